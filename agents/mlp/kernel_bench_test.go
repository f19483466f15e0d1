package mlp

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// BenchmarkGemmNT compares the package's blocked pure-Go kernel with
// gonum's Dgemm on the products of a minibatch-256 MLP layer; it is the
// measurement behind choosing the own kernel (see the package README).
func BenchmarkGemmNT(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	shapes := [][3]int{{256, 64, 64}, {256, 64, 4}, {64, 64, 256}, {256, 14, 4}}
	for _, sh := range shapes {
		m, n, k := sh[0], sh[1], sh[2]
		a, bb, c := randSlice(rng, m*k, 1), randSlice(rng, n*k, 1), make([]float64, m*n)
		flops := float64(2 * m * n * k)
		b.Run(fmt.Sprintf("own/%dx%dx%d", m, n, k), func(b *testing.B) {
			for b.Loop() {
				gemmNT(m, n, k, a, bb, c)
			}
			b.ReportMetric(flops*float64(b.N)/float64(b.Elapsed().Nanoseconds()), "GFLOPS")
		})
		b.Run(fmt.Sprintf("gonum/%dx%dx%d", m, n, k), func(b *testing.B) {
			var impl gonum.Implementation
			for b.Loop() {
				impl.Dgemm(blas.NoTrans, blas.Trans, m, n, k, 1, a, k, bb, k, 0, c, n)
			}
			b.ReportMetric(flops*float64(b.N)/float64(b.Elapsed().Nanoseconds()), "GFLOPS")
		})
	}
}
