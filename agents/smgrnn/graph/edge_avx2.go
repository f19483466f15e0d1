//go:build amd64 && !amd64.v3

// The kernels round every product and sum separately, as Go does for
// GOAMD64 v1 and v2; from v3 on Go fuses multiply-adds in the plain loops,
// so those builds use them alone (edge_noasm.go).

package graph

import "golang.org/x/sys/cpu"

// edgeAVX2 selects the AVX2 edge loops.
var edgeAVX2 = cpu.X86.HasAVX2

//go:noescape
func axpyAVX2(alpha float64, x, y *float64, n int)

//go:noescape
func dotAVX2(x, y *float64, n int, sums *[4]float64)

//go:noescape
func dotAxpyAVX2(alpha float64, x, y, z *float64, n int, sums *[4]float64)

// setEdgeAVX2 turns the AVX2 loops on (where the CPU has AVX2) or off and
// returns the previous setting, for tests that compare the two.
func setEdgeAVX2(on bool) bool {
	old := edgeAVX2
	edgeAVX2 = on && cpu.X86.HasAVX2
	return old
}

// axpyVector does the first multiple of four of axpy and returns how many.
func axpyVector(alpha float64, x, y []float64) int {
	n := len(y) &^ 3
	if !edgeAVX2 || n == 0 {
		return 0
	}
	axpyAVX2(alpha, &x[0], &y[0], n)
	return n
}

// dotVector does the first multiple of four of dot into the four partial
// sums and returns how many.
func dotVector(x, y []float64, s *[4]float64) int {
	n := len(x) &^ 3
	if !edgeAVX2 || n == 0 {
		return 0
	}
	dotAVX2(&x[0], &y[0], n, s)
	return n
}

// dotAxpyVector is dotVector and axpyVector in one sweep.
func dotAxpyVector(alpha float64, x, y, z []float64, s *[4]float64) int {
	n := len(x) &^ 3
	if !edgeAVX2 || n == 0 {
		return 0
	}
	dotAxpyAVX2(alpha, &x[0], &y[0], &z[0], n, s)
	return n
}
