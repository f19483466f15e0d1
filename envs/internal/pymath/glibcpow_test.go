package pymath

import (
	"math"
	"path/filepath"
	"testing"
)

// TestSquareMatchesGlibc checks Square against Python's x**2 recorded by
// testdata/glibc/gen_square.py (ENVS_SQUARE_FILE names a larger recording).
func TestSquareMatchesGlibc(t *testing.T) {
	bad, notXX := 0, 0
	n := eachRecorded(t, "ENVS_SQUARE_FILE", filepath.Join("..", "..", "testdata", "glibc", "square.txt"), 2, func(v []float64) {
		x, want := v[0], v[1]
		if want != x*x {
			notXX++
		}
		// Both the full port and the shortcut must agree with glibc.
		for _, f := range []struct {
			name string
			fn   func(float64) float64
		}{{"Square", Square}, {"glibcSquare", glibcSquare}} {
			if got := f.fn(x); math.Float64bits(got) != math.Float64bits(want) {
				if bad++; bad <= 10 {
					t.Errorf("%s(%v) = %v (%#x), Python gives %v (%#x)", f.name, x, got, math.Float64bits(got), want, math.Float64bits(want))
				}
			}
		}
	})
	if n == 0 || notXX == 0 {
		t.Fatalf("recording has %d values, %d of them not x*x: nothing to check", n, notXX)
	}
	if bad > 0 {
		t.Errorf("%d of %d squares differ from Python's", bad, n)
	}
	t.Logf("%d squares match, %d of them differ from x*x", n, notXX)
}

func BenchmarkPySquare(b *testing.B) {
	for _, f := range []struct {
		name string
		fn   func(float64) float64
	}{{"shortcut", Square}, {"glibc", glibcSquare}} {
		b.Run(f.name, func(b *testing.B) {
			x, s := 0.1, 0.0
			for b.Loop() {
				s += f.fn(x)
				x += 1e-3
			}
			_ = s
		})
	}
}
