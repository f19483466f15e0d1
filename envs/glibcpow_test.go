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

// TestSquareMatchesGlibc checks pySquare against Python's x**2 recorded by
// testdata/glibc/gen_square.py (ENVS_SQUARE_FILE names a larger recording).
func TestSquareMatchesGlibc(t *testing.T) {
	path := os.Getenv("ENVS_SQUARE_FILE")
	if path == "" {
		path = filepath.Join("testdata", "glibc", "square.txt")
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	n, bad, notXX := 0, 0, 0
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
		if want != x*x {
			notXX++
		}
		// Both the full port and the shortcut must agree with glibc.
		for _, f := range []struct {
			name string
			fn   func(float64) float64
		}{{"pySquare", pySquare}, {"glibcSquare", glibcSquare}} {
			if got := f.fn(x); math.Float64bits(got) != math.Float64bits(want) {
				if bad++; bad <= 10 {
					t.Errorf("%s(%v) = %v (%#x), Python gives %v (%#x)", f.name, x, got, math.Float64bits(got), want, math.Float64bits(want))
				}
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
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
	}{{"shortcut", pySquare}, {"glibc", glibcSquare}} {
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
