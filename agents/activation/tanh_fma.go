//go:build amd64 && !amd64.v3

// The kernels match math.Tanh as Go compiles it for GOAMD64 v1 and v2
// (separate roundings outside Exp). From v3 on Go fuses multiply-adds in
// math.Tanh itself; those builds use math.Tanh (tanh_noasm.go).

package activation

import "golang.org/x/sys/cpu"

// math.Exp takes its FMA path exactly when the CPU has AVX and FMA; the
// kernels copy that path, so they need both, and AVX2 for the integer
// steps (or AVX-512F for the eight-lane kernel).
var (
	hasTanhAVX2   = cpu.X86.HasAVX2 && cpu.X86.HasAVX && cpu.X86.HasFMA
	hasTanhAVX512 = hasTanhAVX2 && cpu.X86.HasAVX512F
)

// tanhKernel is the kernel in use: the widest the CPU supports.
var tanhKernel = bestTanh()

func bestTanh() tanhPath {
	switch {
	case hasTanhAVX512:
		return tanhAVX512
	case hasTanhAVX2:
		return tanhAVX2
	}
	return tanhGeneric
}

//go:noescape
func tanhAVX2FMA(x, y *float64, n int) (nans int)

//go:noescape
func tanhAVX512F(x, y *float64, n int) (nans int)

// tanhVector computes the first done values of z in place with the
// kernel and says whether any of them was NaN.
func tanhVector(z []float64) (done int, nans bool) {
	switch tanhKernel {
	case tanhAVX512:
		if n := len(z) &^ 7; n > 0 {
			nans = tanhAVX512F(&z[0], &z[0], n) != 0
			done = n
		}
		if len(z)-done >= 4 {
			nans = tanhAVX2FMA(&z[done], &z[done], 4) != 0 || nans
			done += 4
		}
	case tanhAVX2:
		if n := len(z) &^ 3; n > 0 {
			nans = tanhAVX2FMA(&z[0], &z[0], n) != 0
			done = n
		}
	}
	return done, nans
}

// tanhPaths lists the kernels this machine can run, for tests and
// benchmarks.
func tanhPaths() []tanhPath {
	ps := []tanhPath{tanhGeneric}
	if hasTanhAVX2 {
		ps = append(ps, tanhAVX2)
	}
	if hasTanhAVX512 {
		ps = append(ps, tanhAVX512)
	}
	return ps
}

// setTanhPath selects a kernel (one of tanhPaths) and returns the previous
// one.
func setTanhPath(p tanhPath) tanhPath { old := tanhKernel; tanhKernel = p; return old }

//go:noescape
func tanhGradAVX2(y, d *float64, n int)

// tanhGradVector does Backprop's tanh step for the first values of d
// with a kernel, four at a time, and returns how many it did.
func tanhGradVector(y, d []float64) int {
	n := len(y) &^ 3
	if tanhKernel == tanhGeneric || n == 0 {
		return 0
	}
	d = d[:len(y)]
	tanhGradAVX2(&y[0], &d[0], n)
	return n
}
