package stats

import (
	"errors"
	"math"
	"testing"
)

func TestRegIncBeta(t *testing.T) {
	for _, tc := range []struct{ a, b, x float64 }{
		{2.5, 1, 0.3}, {0.5, 1, 0.9}, {1, 3, 0.2}, {1, 0.5, 0.7}, {4, 5, 0.45}, {30, 0.5, 0.97},
	} {
		got := RegIncBeta(tc.a, tc.b, tc.x)
		var want float64
		switch {
		case tc.b == 1: // I_x(a, 1) = x^a
			want = math.Pow(tc.x, tc.a)
		case tc.a == 1: // I_x(1, b) = 1 − (1−x)^b
			want = 1 - math.Pow(1-tc.x, tc.b)
		default: // symmetry I_x(a, b) = 1 − I_{1−x}(b, a)
			want = 1 - RegIncBeta(tc.b, tc.a, 1-tc.x)
		}
		if math.Abs(got-want) > 1e-13 {
			t.Errorf("I_%g(%g, %g) = %.15g, want %.15g", tc.x, tc.a, tc.b, got, want)
		}
	}
	if !math.IsNaN(RegIncBeta(0, 1, 0.5)) || !math.IsNaN(RegIncBeta(1, 1, 1.5)) || RegIncBeta(2, 3, 0) != 0 || RegIncBeta(2, 3, 1) != 1 {
		t.Error("edge cases of RegIncBeta")
	}
}

// TestFSurvival against the classical tables' critical values and a
// numerical integration of the F density (Simpson's rule, 200,000 steps).
func TestFSurvival(t *testing.T) {
	for _, tc := range []struct{ f, d1, d2, want, tol float64 }{
		{4.9646, 1, 10, 0.05, 1e-5}, // F(1, 10) upper 5% point
		{8.2854, 1, 18, 0.01, 1e-5}, // F(1, 18) upper 1% point
		{2.0571428571428571, 1, 8, 0.1894036611, 1e-8},
		{0.3, 1, 4, 0.6130111133, 1e-8},
		{12, 1, 30, 0.0016242438, 1e-8},
		{0, 1, 5, 1, 0},
		{math.Inf(1), 1, 5, 0, 0},
	} {
		if got := FSurvival(tc.f, tc.d1, tc.d2); math.Abs(got-tc.want) > tc.tol {
			t.Errorf("P(F(%g, %g) ≥ %g) = %.10f, want %.10f", tc.d1, tc.d2, tc.f, got, tc.want)
		}
	}
}

// TestBrownForsythe on a sample worked by hand: medians 3 and 6, absolute
// deviations [2 1 0 1 2] and [4 2 0 2 4], F = 8·3.6/14.
func TestBrownForsythe(t *testing.T) {
	f, p, err := BrownForsythe([]float64{1, 2, 3, 4, 5}, []float64{10, 2, 8, 4, 6})
	if err != nil {
		t.Fatal(err)
	}
	if want := 8 * 3.6 / 14; math.Abs(f-want) > 1e-12 || math.Abs(p-0.1894036611) > 1e-8 {
		t.Errorf("F = %.12g p = %.10f, want %.12g and 0.1894036611", f, p, want)
	}
	// Symmetric in its samples, and unchanged by a shift of either one.
	f2, p2, _ := BrownForsythe([]float64{12, 4, 10, 6, 8}, []float64{101, 102, 103, 104, 105})
	if math.Abs(f2-f) > 1e-12 || math.Abs(p2-p) > 1e-12 {
		t.Errorf("swapped and shifted: F = %g p = %g, want %g %g", f2, p2, f, p)
	}
	// Even sizes use the mean of the two middle values as the median.
	f3, _, _ := BrownForsythe([]float64{0, 1, 3, 10}, []float64{0, 1, 2, 3})
	// medians 2 and 1.5: deviations [2 1 1 8] (mean 3) and [1.5 .5 .5 1.5]
	// (mean 1); between 4·1+4·1 = 8; within 34+1 = 35; F = 6·8/35.
	if want := 6.0 * 8 / 35; math.Abs(f3-want) > 1e-12 {
		t.Errorf("even sizes: F = %.12g, want %.12g", f3, want)
	}
	for _, bad := range [][2][]float64{{{1}, {1, 2}}, {{1, 1}, {2, 2}}, {{1, math.NaN()}, {1, 2}}} {
		if _, _, err := BrownForsythe(bad[0], bad[1]); !errors.Is(err, ErrInvalid) {
			t.Errorf("BrownForsythe(%v, %v): error %v, want ErrInvalid", bad[0], bad[1], err)
		}
	}
}

func TestSpreadCI(t *testing.T) {
	x := []float64{0.9, 0.95, 0.97, 0.6, 0.99, 0.93, 0.96, 0.98, 0.94, 0.92}
	iv, err := SpreadCI(x, Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if iv.Point != SampleStd(x) || !(iv.Lo <= iv.Point && iv.Point <= iv.Hi) || !(iv.Lo >= 0) || iv.Hi-iv.Lo < 0.01 {
		t.Errorf("spread %+v, sample std %g", iv, SampleStd(x))
	}
	again, _ := SpreadCI(x, Options{Seed: 1})
	if again != iv {
		t.Error("same seed, different interval")
	}
	if _, err := SpreadCI([]float64{1}, Options{}); !errors.Is(err, ErrInvalid) {
		t.Errorf("one score: %v", err)
	}
}
