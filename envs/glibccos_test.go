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

// TestCosMatchesGlibc checks pyCos against Python's math.cos recorded by
// testdata/glibc/gen_cos.py (ENVS_COS_FILE names a larger recording).
func TestCosMatchesGlibc(t *testing.T) {
	path := os.Getenv("ENVS_COS_FILE")
	if path == "" {
		path = filepath.Join("testdata", "glibc", "cos.txt")
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	n, bad, notGo := 0, 0, 0
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) != 2 {
			t.Fatalf("line %d: want two fields, got %q", n+1, sc.Text())
		}
		var v [2]float64
		for i, s := range fields {
			b, err := strconv.ParseUint(s, 16, 64)
			if err != nil {
				t.Fatalf("line %d: %v", n+1, err)
			}
			v[i] = math.Float64frombits(b)
		}
		n++
		x, want := v[0], v[1]
		if math.Cos(x) != want {
			notGo++
		}
		if got := pyCos(x); math.Float64bits(got) != math.Float64bits(want) {
			if bad++; bad <= 10 {
				t.Errorf("pyCos(%v) = %v (%#x), Python gives %v (%#x)", x, got, math.Float64bits(got), want, math.Float64bits(want))
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
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
		s += pyCos(x)
		if x += 1e-3; x > 1.8 {
			x = -3.6
		}
	}
	_ = s
}
