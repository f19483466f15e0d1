//go:build amd64 && !amd64.v3

// The vector kernels round every product and sum separately, as Go does
// for GOAMD64 v1 and v2. From v3 on, Go fuses a*b+c into one FMA
// instruction in math.Sincos itself, so the kernels would no longer match
// it; those builds use math.Sincos (sincos_noasm.go).

package expert

import "golang.org/x/sys/cpu"

// sincosKernel is the kernel in use: the widest the CPU has.
var sincosKernel = bestSincos()

func bestSincos() sincosPath {
	switch {
	case cpu.X86.HasAVX512F:
		return sincosAVX512Path
	case cpu.X86.HasAVX2:
		return sincosAVX2Path
	}
	return sincosGeneric
}

//go:noescape
func sincosAVX2(x, sin, cos *float64, n int) (redo int)

//go:noescape
func sincosAVX512(x, sin, cos *float64, n int) (redo int)

func sincosVector(x, sin, cos []float64) (done int, redo bool) {
	switch sincosKernel {
	case sincosAVX512Path:
		if n := len(x) &^ 7; n > 0 {
			redo = sincosAVX512(&x[0], &sin[0], &cos[0], n) != 0
			done = n
		}
		if len(x)-done >= 4 {
			redo = sincosAVX2(&x[done], &sin[done], &cos[done], 4) != 0 || redo
			done += 4
		}
	case sincosAVX2Path:
		if n := len(x) &^ 3; n > 0 {
			redo = sincosAVX2(&x[0], &sin[0], &cos[0], n) != 0
			done = n
		}
	}
	return done, redo
}

// sincosPaths lists the kernels this CPU can run, for tests.
func sincosPaths() []sincosPath {
	ps := []sincosPath{sincosGeneric}
	if cpu.X86.HasAVX2 {
		ps = append(ps, sincosAVX2Path)
	}
	if cpu.X86.HasAVX512F {
		ps = append(ps, sincosAVX512Path)
	}
	return ps
}

// setSincosPath selects a kernel (one of sincosPaths) and returns the
// previous one.
func setSincosPath(p sincosPath) sincosPath { old := sincosKernel; sincosKernel = p; return old }
