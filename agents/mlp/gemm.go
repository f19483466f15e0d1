package mlp

import "fmt"

// gemm sets c to a·b: c[i·ldc+j] = Σ_p a(i,p)·b[p·ldb+j] for i < m, j < n,
// p < k, where a(i,p) = a[i·ars + p·acs]. With ars = lda, acs = 1 that is a
// row-major a; with ars = 1, acs = lda it is the transpose of a row-major
// matrix, read in place. The three products of a layer take this form
// without transposing the batch: X·Wᵀ (b = Wᵀ, packed once per call),
// Dᵀ·X and D·W.
//
// Every entry is summed from zero in increasing p, each product and sum
// rounded on its own, whatever the path: the SIMD kernels (chosen by CPU
// feature, see gemmPath) give the bits of gemmGeneric, the reference, and
// of gemmNT. A row of c depends on its row of a only.
func gemm(m, n, k int, a []float64, ars, acs int, b []float64, ldb int, c []float64, ldc int) {
	if m <= 0 || n <= 0 {
		return
	}
	checkGemm(m, n, k, a, ars, acs, b, ldb, c, ldc)
	j := gemmVector(m, n, k, a, ars, acs, b, ldb, c, ldc)
	if j < n {
		gemmGeneric(m, n-j, k, a, ars, acs, b[j:], ldb, c[j:], ldc)
	}
}

// checkGemm panics unless every index gemm touches is inside its slice:
// the SIMD kernels do no bounds checks of their own.
func checkGemm(m, n, k int, a []float64, ars, acs int, b []float64, ldb int, c []float64, ldc int) {
	ok := ars >= 0 && acs >= 0 && ldb >= n && ldc >= n && k >= 0 &&
		(m-1)*ldc+n <= len(c)
	if k > 0 {
		ok = ok && (m-1)*ars+(k-1)*acs < len(a) && (k-1)*ldb+n <= len(b)
	}
	if !ok {
		panic(fmt.Sprintf("mlp: gemm %d×%d×%d out of range: a %d (strides %d, %d), b %d (%d), c %d (%d)",
			m, n, k, len(a), ars, acs, len(b), ldb, len(c), ldc))
	}
}

// gemmGeneric is gemm in plain Go, the reference every kernel must match
// bit for bit. It computes one row and four columns at a time: four
// independent accumulators, each summing in increasing p.
func gemmGeneric(m, n, k int, a []float64, ars, acs int, b []float64, ldb int, c []float64, ldc int) {
	for i := range m {
		ci := c[i*ldc : i*ldc+n]
		j := 0
		for ; j+4 <= n; j += 4 {
			var s0, s1, s2, s3 float64
			for p := range k {
				x := a[i*ars+p*acs]
				bp := b[p*ldb+j : p*ldb+j+4]
				s0 += x * bp[0]
				s1 += x * bp[1]
				s2 += x * bp[2]
				s3 += x * bp[3]
			}
			ci[j], ci[j+1], ci[j+2], ci[j+3] = s0, s1, s2, s3
		}
		for ; j < n; j++ {
			var s float64
			for p := range k {
				s += a[i*ars+p*acs] * b[p*ldb+j]
			}
			ci[j] = s
		}
	}
}

// gemmPath names the kernels gemm uses on this machine.
type gemmPath string

const (
	pathGeneric gemmPath = "generic"
	pathAVX2    gemmPath = "avx2"
	pathAVX512  gemmPath = "avx512"
)
