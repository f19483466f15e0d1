package graph

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestEdgeLoopsBitIdentical holds the SIMD edge loops to the plain ones
// bit for bit, on every length from 0 to 70 (full blocks and every tail),
// with values spread over twenty binary orders of magnitude so that any
// other summation order or rounding changes low bits.
func TestEdgeLoopsBitIdentical(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 5))
	wide := func(n int) []float64 {
		s := make([]float64, n)
		for i := range s {
			s[i] = (rng.Float64()*2 - 1) * math.Exp2(float64(rng.IntN(20)-10))
		}
		return s
	}
	same := func(a, b float64) bool { return math.Float64bits(a) == math.Float64bits(b) }
	defer setEdgeAVX2(setEdgeAVX2(true))
	if !edgeAVX2 {
		t.Skip("no AVX2 on this CPU: only the plain loops exist")
	}
	for trial := range 2000 {
		n := trial % 71
		alpha := (rng.Float64()*2 - 1) * 3
		x, y, z := wide(n), wide(n), wide(n)
		run := func(vector bool) (float64, float64, []float64, []float64) {
			setEdgeAVX2(vector)
			ya, za := append([]float64(nil), y...), append([]float64(nil), z...)
			axpy(alpha, x, ya)
			return dot(x, y), dotAxpy(alpha, x, y, za), ya, za
		}
		d1, da1, ya1, za1 := run(false)
		d2, da2, ya2, za2 := run(true)
		if !same(d1, d2) || !same(da1, da2) {
			t.Fatalf("n=%d: dot %v / %v, dotAxpy %v / %v (plain / AVX2)", n, d1, d2, da1, da2)
		}
		for i := range n {
			if !same(ya1[i], ya2[i]) || !same(za1[i], za2[i]) {
				t.Fatalf("n=%d: element %d: axpy %v / %v, dotAxpy's %v / %v (plain / AVX2)", n, i, ya1[i], ya2[i], za1[i], za2[i])
			}
		}
	}
}
