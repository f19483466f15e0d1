package pymath

import (
	"math"
	"path/filepath"
	"testing"
)

// TestCosMatchesGlibc checks Cos against Python's math.cos recorded by
// testdata/glibc/gen_cos.py (ENVS_COS_FILE names a larger recording).
func TestCosMatchesGlibc(t *testing.T) {
	bad, notGo := 0, 0
	n := eachRecorded(t, "ENVS_COS_FILE", filepath.Join("..", "..", "testdata", "glibc", "cos.txt"), 2, func(v []float64) {
		x, want := v[0], v[1]
		if math.Cos(x) != want {
			notGo++
		}
		if got := Cos(x); math.Float64bits(got) != math.Float64bits(want) {
			if bad++; bad <= 10 {
				t.Errorf("Cos(%v) = %v (%#x), Python gives %v (%#x)", x, got, math.Float64bits(got), want, math.Float64bits(want))
			}
		}
	})
	if n == 0 || notGo == 0 {
		t.Fatalf("recording has %d values, %d of them unlike math.Cos: nothing to check", n, notGo)
	}
	if bad > 0 {
		t.Errorf("%d of %d cosines differ from Python's", bad, n)
	}
	t.Logf("%d cosines match, %d of them differ from math.Cos", n, notGo)
}

func BenchmarkPyCos(b *testing.B) {
	x, s := -1.5, 0.0
	for b.Loop() {
		s += Cos(x)
		if x += 1e-3; x > 1.8 {
			x = -3.6
		}
	}
	_ = s
}
