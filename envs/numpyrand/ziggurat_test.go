package numpyrand

import (
	"bufio"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestStandardNormalMatchesNumpy replays numpy 1.24's standard_normal
// (testdata/numpy/normal.txt): every value within 1e-14 (relative) (the layer
// tables are computed here in float64, numpy's were tabulated at higher
// precision), and the stream left at the same place (the random() drawn
// afterwards is bit-equal), so every accept/reject decision agreed.
func TestStandardNormalMatchesNumpy(t *testing.T) {
	f, err := os.Open(filepath.Join("..", "testdata", "numpy", "normal.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<22)
	lines := 0
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		seed, err := strconv.ParseUint(fields[0], 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		g := New(seed)
		vals := fields[1 : len(fields)-1]
		for i, s := range vals {
			want, _ := strconv.ParseFloat(s, 64)
			got := g.StandardNormal()
			if math.Abs(got-want) > 1e-14*math.Max(1, math.Abs(want)) {
				t.Fatalf("seed %d draw %d: %v, numpy %v", seed, i, got, want)
			}
		}
		want, _ := strconv.ParseFloat(fields[len(fields)-1], 64)
		if got := g.Random(); got != want {
			t.Errorf("seed %d: random() after %d normals is %v, numpy %v: the stream drifted", seed, len(vals), got, want)
		}
		lines++
	}
	if lines == 0 {
		t.Fatal("no reference lines")
	}
}

func TestZigguratLayersHaveEqualArea(t *testing.T) {
	z := zigguratTables()
	// Layer i spans x in [0, x_i] from f(x_i) to f(x_{i-1}): area x_i·Δf = v.
	for i := 2; i < 255; i++ {
		x := z.w[i] * (1 << 52)
		if a := x * (z.f[i-1] - z.f[i]); math.Abs(a-zigguratV) > 1e-12 {
			t.Fatalf("layer %d area %v, want %v", i, a, zigguratV)
		}
	}
}
