package mlp

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestGemmNT compares the blocked kernel with a naive triple loop, bit for
// bit (each entry summed in increasing p), on shapes that hit every block
// remainder of the wide and the narrow blocking.
func TestGemmNT(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	for _, m := range []int{1, 2, 3, 4, 5, 8, 11} {
		for _, n := range []int{1, 2, 3, 4, 7, 9} {
			for _, k := range []int{0, 1, 4, 6} {
				a := wideRand(rng, m*k)
				b := wideRand(rng, n*k)
				c := randSlice(rng, m*n, 1) // garbage: must be overwritten
				gemmNT(m, n, k, a, b, c)
				for i := range m {
					for j := range n {
						want := 0.0
						for p := range k {
							want += a[i*k+p] * b[j*k+p]
						}
						if math.Float64bits(c[i*n+j]) != math.Float64bits(want) {
							t.Fatalf("m=%d n=%d k=%d: c[%d,%d] = %v, want %v", m, n, k, i, j, c[i*n+j], want)
						}
					}
				}
			}
		}
	}
}

// TestGemmNTRowsAlone checks that a row's outputs do not depend on the
// batch: each row of a batch, odd or even in size, computed alone gives
// the same bits, so a policy's action for an observation does not depend
// on which observations share its call.
func TestGemmNTRowsAlone(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	for _, m := range []int{2, 3, 5, 8} {
		for _, n := range []int{1, 3, 4, 7} {
			const k = 9
			a, b := randSlice(rng, m*k, 1), randSlice(rng, n*k, 1)
			c := make([]float64, m*n)
			gemmNT(m, n, k, a, b, c)
			alone := make([]float64, n)
			for i := range m {
				gemmNT(1, n, k, a[i*k:(i+1)*k], b, alone)
				for j := range n {
					if math.Float64bits(alone[j]) != math.Float64bits(c[i*n+j]) {
						t.Fatalf("m=%d n=%d: row %d alone gives c[%d] = %v, in the batch %v", m, n, i, j, alone[j], c[i*n+j])
					}
				}
			}
		}
	}
}

func TestTranspose(t *testing.T) {
	src := []float64{1, 2, 3, 4, 5, 6} // 2×3
	dst := make([]float64, 6)
	transpose(src, 2, 3, dst)
	want := []float64{1, 4, 2, 5, 3, 6}
	for i := range want {
		if dst[i] != want[i] {
			t.Fatalf("transpose = %v, want %v", dst, want)
		}
	}
}
