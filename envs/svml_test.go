package envs

import (
	"bufio"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// sincosFile is numpy's recorded sin and cos (testdata/numpy/gen_sincos.py);
// ENVS_SINCOS_FILE names a larger recording of the same format to check
// against instead.
func sincosFile() string {
	if f := os.Getenv("ENVS_SINCOS_FILE"); f != "" {
		return f
	}
	return filepath.Join("testdata", "numpy", "sincos.txt")
}

func TestSinCosMatchNumpy(t *testing.T) {
	f, err := os.Open(sincosFile())
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	var n, badSin, badCos int
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) != 3 {
			t.Fatalf("line %d: want three fields, got %q", n+1, sc.Text())
		}
		var v [3]float64
		for i, s := range fields {
			b, err := strconv.ParseUint(s, 16, 64)
			if err != nil {
				t.Fatalf("line %d: %v", n+1, err)
			}
			v[i] = math.Float64frombits(b)
		}
		n++
		x, wantSin, wantCos := v[0], v[1], v[2]
		if got := npSin(x); math.Float64bits(got) != math.Float64bits(wantSin) {
			if badSin++; badSin <= 10 {
				t.Errorf("npSin(%v) = %v (%#x), numpy gives %v (%#x)", x, got, math.Float64bits(got), wantSin, math.Float64bits(wantSin))
			}
		}
		if got := npCos(x); math.Float64bits(got) != math.Float64bits(wantCos) {
			if badCos++; badCos <= 10 {
				t.Errorf("npCos(%v) = %v (%#x), numpy gives %v (%#x)", x, got, math.Float64bits(got), wantCos, math.Float64bits(wantCos))
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Fatal("no recorded values")
	}
	if badSin+badCos > 0 {
		t.Errorf("%d of %d sines and %d cosines differ from numpy", badSin, n, badCos)
	}
}

func TestSinCosSpecialValues(t *testing.T) {
	for _, x := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		if s, c := npSin(x), npCos(x); !math.IsNaN(s) || !math.IsNaN(c) {
			t.Errorf("sin, cos of %v = %v, %v; want NaN", x, s, c)
		}
	}
	if s := npSin(math.Copysign(0, -1)); s != 0 || !math.Signbit(s) {
		t.Errorf("sin(-0) = %v, want -0", s)
	}
	// Beyond the fast path the Go functions take over.
	for _, x := range []float64{1e9, -3e12} {
		if math.Abs(npSin(x)-math.Sin(x)) > 1e-15 || math.Abs(npCos(x)-math.Cos(x)) > 1e-15 {
			t.Errorf("large argument %v: %v, %v", x, npSin(x), npCos(x))
		}
	}
}

func BenchmarkNpSin(b *testing.B) {
	x, s := 0.1, 0.0
	for b.Loop() {
		s += npSin(x)
		x += 1e-3
	}
	_ = s
}

func BenchmarkNpCos(b *testing.B) {
	x, s := 0.1, 0.0
	for b.Loop() {
		s += npCos(x)
		x += 1e-3
	}
	_ = s
}
