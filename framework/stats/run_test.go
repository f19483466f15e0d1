package stats

import (
	"errors"
	"math"
	"testing"
)

// approx reports whether a and b agree to 1e-12 relative (or absolute near
// zero), or are both NaN.
func approx(a, b float64) bool {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.IsNaN(a) && math.IsNaN(b)
	}
	return math.Abs(a-b) <= 1e-12*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}

func TestNormalizedScore(t *testing.T) {
	tests := []struct {
		name               string
		r, random, teacher float64
		want               float64
		wantErr            error
	}{
		// (250 − 20)/(500 − 20) = 230/480.
		{"cartpole-like", 250, 20, 500, 230.0 / 480, nil},
		{"at random", 20, 20, 500, 0, nil},
		{"at teacher", 500, 20, 500, 1, nil},
		// Negative returns: (−200 − (−1200))/(−150 − (−1200)) = 1000/1050.
		{"pendulum-like", -200, -1200, -150, 1000.0 / 1050, nil},
		// Better than the teacher: (600 − 0)/(500 − 0) = 1.2.
		{"above teacher", 600, 0, 500, 1.2, nil},
		{"teacher equals random", 10, 5, 5, math.NaN(), ErrInvalid},
		{"NaN return", math.NaN(), 0, 1, math.NaN(), ErrNonFinite},
		{"Inf teacher", 1, 0, math.Inf(1), math.NaN(), ErrNonFinite},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := NormalizedScore(tc.r, tc.random, tc.teacher)
			if !errors.Is(err, tc.wantErr) || (tc.wantErr == nil && err != nil) {
				t.Fatalf("err = %v, want %v", err, tc.wantErr)
			}
			if !approx(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestNormalizeScores(t *testing.T) {
	got, err := NormalizeScores([]float64{0, 50, 100}, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{0, 0.5, 1}
	for i := range want {
		if !approx(got[i], want[i]) {
			t.Errorf("score %d = %v, want %v", i, got[i], want[i])
		}
	}
	if _, err := NormalizeScores([]float64{1, math.NaN()}, 0, 1); !errors.Is(err, ErrNonFinite) {
		t.Errorf("NaN return: err = %v, want ErrNonFinite", err)
	}
}

func TestCurveAUC(t *testing.T) {
	tests := []struct {
		name          string
		steps, scores []float64
		want          float64
		wantErr       error
	}{
		// Trapezoids 1000·(0+0.5)/2 = 250 and 2000·(0.5+1)/2 = 1500;
		// (250 + 1500)/3000 = 0.58333….
		{"uneven steps", []float64{0, 1000, 3000}, []float64{0, 0.5, 1}, 1750.0 / 3000, nil},
		// A flat curve at 1 has mean height 1.
		{"flat at teacher", []float64{5000, 10000, 15000}, []float64{1, 1, 1}, 1, nil},
		// One segment: (0.2 + 0.6)/2 = 0.4, whatever the span.
		{"two points", []float64{100, 200}, []float64{0.2, 0.6}, 0.4, nil},
		{"single point", []float64{5000}, []float64{0.7}, 0.7, nil},
		// Negative scores (worse than random) stay negative: (−1 + 0)/2.
		{"negative", []float64{0, 10}, []float64{-1, 0}, -0.5, nil},
		{"empty", nil, nil, math.NaN(), ErrEmpty},
		{"length mismatch", []float64{0, 1}, []float64{1}, math.NaN(), ErrInvalid},
		{"repeated step", []float64{0, 1, 1}, []float64{1, 1, 1}, math.NaN(), ErrInvalid},
		{"decreasing steps", []float64{2, 1}, []float64{1, 1}, math.NaN(), ErrInvalid},
		{"NaN score", []float64{0, 1}, []float64{1, math.NaN()}, math.NaN(), ErrNonFinite},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := CurveAUC(tc.steps, tc.scores)
			if !errors.Is(err, tc.wantErr) || (tc.wantErr == nil && err != nil) {
				t.Fatalf("err = %v, want %v", err, tc.wantErr)
			}
			if !approx(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestMeanStd(t *testing.T) {
	tests := []struct {
		name                 string
		x                    []float64
		mean, popStd, samStd float64
	}{
		// Mean 40/8 = 5; squared deviations 9+1+1+1+0+0+4+16 = 32;
		// population variance 32/8 = 4 → 2; sample 32/7 → √(32/7).
		{"textbook", []float64{2, 4, 4, 4, 5, 5, 7, 9}, 5, 2, math.Sqrt(32.0 / 7)},
		// One seed: no spread to measure across seeds.
		{"single", []float64{3}, 3, 0, math.NaN()},
		// Mean 1.5; deviations ±0.5 → population 0.5, sample √(0.5/1).
		{"pair", []float64{1, 2}, 1.5, 0.5, math.Sqrt(0.5)},
		// All ties: zero spread.
		{"ties", []float64{4, 4, 4}, 4, 0, 0},
		{"empty", nil, math.NaN(), math.NaN(), math.NaN()},
		{"NaN", []float64{1, math.NaN()}, math.NaN(), math.NaN(), math.NaN()},
		// Large offset, small spread: two passes keep the exact answer
		// (values 1e9+1, 1e9+2, 1e9+3: population variance 2/3).
		{"offset", []float64{1e9 + 1, 1e9 + 2, 1e9 + 3}, 1e9 + 2, math.Sqrt(2.0 / 3), 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Mean(tc.x); !approx(got, tc.mean) {
				t.Errorf("Mean = %v, want %v", got, tc.mean)
			}
			if got := PopulationStd(tc.x); !approx(got, tc.popStd) {
				t.Errorf("PopulationStd = %v, want %v", got, tc.popStd)
			}
			if got := SampleStd(tc.x); !approx(got, tc.samStd) {
				t.Errorf("SampleStd = %v, want %v", got, tc.samStd)
			}
		})
	}
}
