package stats

import (
	"errors"
	"math"
	"testing"
)

func TestMedian(t *testing.T) {
	for _, tt := range []struct {
		x    []float64
		want float64
	}{
		{[]float64{3}, 3},
		{[]float64{3, 1}, 2},
		{[]float64{5, 1, 3}, 3},
		{[]float64{4, 1, 3, 2}, 2.5},
		{[]float64{-1, 10, 0, 0, 7}, 0},
	} {
		x := append([]float64(nil), tt.x...)
		if got := Median(x); got != tt.want {
			t.Errorf("Median(%v) = %v, want %v", tt.x, got, tt.want)
		}
		for i := range x {
			if x[i] != tt.x[i] {
				t.Fatalf("Median reordered its input: %v", x)
			}
		}
	}
	if !math.IsNaN(Median(nil)) || !math.IsNaN(Median([]float64{1, math.NaN()})) {
		t.Error("Median of nothing or of a NaN is not NaN")
	}
}

func TestFractionAbove(t *testing.T) {
	x := []float64{0, 0.5, 0.5, 1, 1.2}
	for _, tt := range []struct{ tau, want float64 }{
		{-1, 1}, {0, 0.8}, {0.5, 0.4}, {0.99, 0.4}, {1, 0.2}, {1.2, 0}, {2, 0},
	} {
		if got := FractionAbove(x, tt.tau); got != tt.want {
			t.Errorf("FractionAbove(τ=%v) = %v, want %v (strictly above)", tt.tau, got, tt.want)
		}
	}
	if !math.IsNaN(FractionAbove(nil, 0)) || !math.IsNaN(FractionAbove([]float64{math.NaN()}, 0)) {
		t.Error("FractionAbove of nothing or of a NaN is not NaN")
	}
}

func TestPerformanceProfile(t *testing.T) {
	// Two tasks: pooled scores 0.1 0.2 0.3 | 0.7 0.8 0.9.
	data := [][]float64{{0.1, 0.2, 0.3}, {0.7, 0.8, 0.9}}
	taus := Thresholds(0, 1, 11)
	opt := Options{Seed: 3, Reps: 500}
	p, err := PerformanceProfile(data, taus, opt)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Tau) != 11 || len(p.Fraction) != 11 || p.Tau[10] != 1 {
		t.Fatalf("profile has %d τ, %d points, last τ %v", len(p.Tau), len(p.Fraction), p.Tau[len(p.Tau)-1])
	}
	wantPoint := []float64{1, 5.0 / 6, 4.0 / 6, 0.5, 0.5, 0.5, 0.5, 2.0 / 6, 1.0 / 6, 0, 0}
	for i, iv := range p.Fraction {
		if math.Abs(iv.Point-wantPoint[i]) > 1e-12 {
			t.Errorf("τ=%v: fraction %v, want %v", p.Tau[i], iv.Point, wantPoint[i])
		}
		if !(iv.Lo <= iv.Point && iv.Point <= iv.Hi) || iv.Lo < 0 || iv.Hi > 1 {
			t.Errorf("τ=%v: band %v does not hold its point within [0, 1]", p.Tau[i], iv)
		}
		// The profile never rises with τ, nor do its band's ends.
		if i > 0 && (iv.Point > p.Fraction[i-1].Point || iv.Hi > p.Fraction[i-1].Hi+1e-12) {
			t.Errorf("profile rises at τ=%v", p.Tau[i])
		}
		// Each τ's band is the one Estimate gives for that τ alone.
		tau := p.Tau[i]
		alone, err := opt.Estimate(data, Pooled(func(x []float64) float64 { return FractionAbove(x, tau) }))
		if err != nil {
			t.Fatal(err)
		}
		if alone != iv {
			t.Errorf("τ=%v: shared band %v, alone %v", tau, iv, alone)
		}
	}
	// Stratified: task 1 always scores below 0.5 and task 2 above, so at
	// τ = 0.5 every resample has exactly half its runs above.
	if iv := p.Fraction[5]; iv.Lo != 0.5 || iv.Hi != 0.5 {
		t.Errorf("τ=0.5: band %v, want [0.5, 0.5] under stratified resampling", iv)
	}
	if _, err := PerformanceProfile(data, nil, opt); !errors.Is(err, ErrInvalid) {
		t.Errorf("no thresholds: %v", err)
	}
	if _, err := PerformanceProfile(data, []float64{math.Inf(1)}, opt); !errors.Is(err, ErrNonFinite) {
		t.Errorf("infinite threshold: %v", err)
	}
	if _, err := PerformanceProfile([][]float64{{}}, taus, opt); !errors.Is(err, ErrEmpty) {
		t.Errorf("empty task: %v", err)
	}
}

func TestDistinctResamples(t *testing.T) {
	for n, want := range map[int]int{0: 0, 1: 1, 2: 3, 3: 10, 4: 35, 5: 126, 10: 92378} {
		if got := DistinctResamples(n); got != want {
			t.Errorf("DistinctResamples(%d) = %d, want %d", n, got, want)
		}
	}
	if DistinctResamples(1000) != math.MaxInt {
		t.Error("DistinctResamples(1000) does not saturate")
	}
}
