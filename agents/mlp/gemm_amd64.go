//go:build amd64 && !amd64.v3

// The kernels round every product and sum separately, as Go does for
// GOAMD64 v1 and v2. From v3 on, Go fuses a*b+c into one FMA instruction
// in gemmGeneric and gemmNT, so the kernels would no longer match them;
// those builds use the plain Go path (gemm_noasm.go).

package mlp

import (
	"fmt"

	"golang.org/x/sys/cpu"
)

//go:noescape
func gemm4x8AVX2(k int, a *float64, ars, acs int, b *float64, ldb int, c *float64, ldc int)

//go:noescape
func gemm1x8AVX2(k int, a *float64, ars, acs int, b *float64, ldb int, c *float64, ldc int)

//go:noescape
func gemm4x16AVX512(k int, a *float64, ars, acs int, b *float64, ldb int, c *float64, ldc int)

//go:noescape
func gemm1x16AVX512(k int, a *float64, ars, acs int, b *float64, ldb int, c *float64, ldc int)

// path is the kernel set in use: the widest the CPU (and OS) supports.
var path = bestPath()

func bestPath() gemmPath {
	switch {
	case cpu.X86.HasAVX512F:
		return pathAVX512
	case cpu.X86.HasAVX2:
		return pathAVX2
	}
	return pathGeneric
}

// gemmPaths lists the paths this machine can run, for tests and
// benchmarks.
func gemmPaths() []gemmPath {
	ps := []gemmPath{pathGeneric}
	if cpu.X86.HasAVX2 {
		ps = append(ps, pathAVX2)
	}
	if cpu.X86.HasAVX512F {
		ps = append(ps, pathAVX512)
	}
	return ps
}

// setPath selects a path (one of gemmPaths) and returns the previous one.
func setPath(p gemmPath) gemmPath { old := path; path = p; return old }

// gemmVector computes the columns of c it has kernels for, in blocks of
// 16 (AVX-512) and then 8 (AVX2 or AVX-512) columns, and returns the
// first column it left to gemmGeneric. The bounds were checked by gemm.
func gemmVector(m, n, k int, a []float64, ars, acs int, b []float64, ldb int, c []float64, ldc int) int {
	if path == pathGeneric || k == 0 {
		return 0
	}
	rows := func(j int, four, one func(k int, a *float64, ars, acs int, b *float64, ldb int, c *float64, ldc int)) {
		i := 0
		for ; i+4 <= m; i += 4 {
			four(k, &a[i*ars], ars, acs, &b[j], ldb, &c[i*ldc+j], ldc)
		}
		for ; i < m; i++ {
			one(k, &a[i*ars], ars, acs, &b[j], ldb, &c[i*ldc+j], ldc)
		}
	}
	j := 0
	if path == pathAVX512 {
		for ; j+16 <= n; j += 16 {
			rows(j, gemm4x16AVX512, gemm1x16AVX512)
		}
	}
	for ; j+8 <= n; j += 8 {
		rows(j, gemm4x8AVX2, gemm1x8AVX2)
	}
	return j
}

//go:noescape
func addRowAVX2(y, b *float64, rows, cols, ldy int)

//go:noescape
func colSumsAVX2(d *float64, rows, cols, ldd int, sums *float64)

//go:noescape
func colSumsAVX512(d *float64, rows, cols, ldd int, sums *float64)

// addRowVector adds b to the first columns of each of y's rows (rows×cols,
// row major) four at a time, and returns how many columns it did.
func addRowVector(y, b []float64, rows, cols int) int {
	c := cols &^ 3
	if path == pathGeneric || c == 0 || rows <= 0 {
		return 0
	}
	if len(y) < rows*cols || len(b) < cols {
		panic(fmt.Sprintf("mlp: addRow %d×%d out of range: y %d, b %d", rows, cols, len(y), len(b)))
	}
	addRowAVX2(&y[0], &b[0], rows, c, cols)
	return c
}

// colSumsVector computes colSums for the first columns of d eight (with
// AVX-512) or four at a time, and returns how many columns it did.
func colSumsVector(d []float64, rows, cols int, sums []float64) int {
	c := cols &^ 3
	if path == pathGeneric || c == 0 {
		return 0
	}
	if rows < 0 || len(d) < rows*cols || len(sums) < cols {
		panic(fmt.Sprintf("mlp: colSums %d×%d out of range: d %d, sums %d", rows, cols, len(d), len(sums)))
	}
	if rows == 0 {
		clear(sums[:c])
		return c
	}
	done := 0
	if path == pathAVX512 {
		if w := cols &^ 7; w > 0 {
			colSumsAVX512(&d[0], rows, w, cols, &sums[0])
			done = w
		}
	}
	if done < c {
		colSumsAVX2(&d[done], rows, c-done, cols, &sums[done])
	}
	return c
}
