package pymath

import (
	"math"
	"path/filepath"
	"testing"
)

// TestSinCosMatchNumpy checks NumpySin and NumpyCos against numpy's recorded sin
// and cos (testdata/numpy/gen_sincos.py; ENVS_SINCOS_FILE names a larger
// recording of the same format).
func TestSinCosMatchNumpy(t *testing.T) {
	var badSin, badCos int
	n := eachRecorded(t, "ENVS_SINCOS_FILE", filepath.Join("..", "..", "testdata", "numpy", "sincos.txt"), 3, func(v []float64) {
		x, wantSin, wantCos := v[0], v[1], v[2]
		if got := NumpySin(x); math.Float64bits(got) != math.Float64bits(wantSin) {
			if badSin++; badSin <= 10 {
				t.Errorf("NumpySin(%v) = %v (%#x), numpy gives %v (%#x)", x, got, math.Float64bits(got), wantSin, math.Float64bits(wantSin))
			}
		}
		if got := NumpyCos(x); math.Float64bits(got) != math.Float64bits(wantCos) {
			if badCos++; badCos <= 10 {
				t.Errorf("NumpyCos(%v) = %v (%#x), numpy gives %v (%#x)", x, got, math.Float64bits(got), wantCos, math.Float64bits(wantCos))
			}
		}
	})
	if n == 0 {
		t.Fatal("no recorded values")
	}
	if badSin+badCos > 0 {
		t.Errorf("%d of %d sines and %d cosines differ from numpy", badSin, n, badCos)
	}
}

func TestSinCosSpecialValues(t *testing.T) {
	for _, x := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		if s, c := NumpySin(x), NumpyCos(x); !math.IsNaN(s) || !math.IsNaN(c) {
			t.Errorf("sin, cos of %v = %v, %v; want NaN", x, s, c)
		}
	}
	if s := NumpySin(math.Copysign(0, -1)); s != 0 || !math.Signbit(s) {
		t.Errorf("sin(-0) = %v, want -0", s)
	}
	// Beyond the fast path the Go functions take over.
	for _, x := range []float64{1e9, -3e12} {
		if math.Abs(NumpySin(x)-math.Sin(x)) > 1e-15 || math.Abs(NumpyCos(x)-math.Cos(x)) > 1e-15 {
			t.Errorf("large argument %v: %v, %v", x, NumpySin(x), NumpyCos(x))
		}
	}
}

func BenchmarkNpSin(b *testing.B) {
	x, s := 0.1, 0.0
	for b.Loop() {
		s += NumpySin(x)
		x += 1e-3
	}
	_ = s
}

func BenchmarkNpCos(b *testing.B) {
	x, s := 0.1, 0.0
	for b.Loop() {
		s += NumpyCos(x)
		x += 1e-3
	}
	_ = s
}
