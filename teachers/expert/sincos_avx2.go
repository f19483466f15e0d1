//go:build amd64 && !amd64.v3

// The vector kernel rounds every product and sum separately, as Go does
// for GOAMD64 v1 and v2. From v3 on, Go fuses a*b+c into one FMA
// instruction in math.Sincos itself, so the kernel would no longer match
// it; those builds use math.Sincos (sincos_noasm.go).

package expert

import "golang.org/x/sys/cpu"

// haveSincosAVX2 selects the AVX2 kernel, on CPUs that have it.
var haveSincosAVX2 = cpu.X86.HasAVX2

//go:noescape
func sincosAVX2(x, sin, cos *float64, n int)

func sincosVector(x, sin, cos []float64) int {
	n := len(x) &^ 3
	if !haveSincosAVX2 || n == 0 {
		return 0
	}
	sincosAVX2(&x[0], &sin[0], &cos[0], n)
	return n
}

// setSincosAVX2 turns the AVX2 kernel on (where the CPU has it) or off,
// for tests that compare the two paths.
func setSincosAVX2(on bool) { haveSincosAVX2 = on && cpu.X86.HasAVX2 }
