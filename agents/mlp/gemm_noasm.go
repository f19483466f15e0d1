//go:build !amd64 || amd64.v3

package mlp

const path = pathGeneric

func gemmPaths() []gemmPath { return []gemmPath{pathGeneric} }

func setPath(p gemmPath) gemmPath { return pathGeneric }

func gemmVector(m, n, k int, a []float64, ars, acs int, b []float64, ldb int, c []float64, ldc int) int {
	return 0
}

func addRowVector(y, b []float64, rows, cols int) int { return 0 }

func colSumsVector(d []float64, rows, cols int, sums []float64) int { return 0 }
