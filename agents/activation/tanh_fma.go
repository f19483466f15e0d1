//go:build amd64 && !amd64.v3

// The kernel matches math.Tanh as Go compiles it for GOAMD64 v1 and v2
// (separate roundings outside Exp). From v3 on Go fuses multiply-adds in
// math.Tanh itself; those builds use math.Tanh (tanh_noasm.go).

package activation

import "golang.org/x/sys/cpu"

// vectorTanh selects the kernel. math.Exp takes its FMA path exactly when
// the CPU has AVX and FMA; the kernel copies that path, so it needs both,
// and AVX2 for its integer steps.
var vectorTanh = cpu.X86.HasAVX2 && cpu.X86.HasAVX && cpu.X86.HasFMA

//go:noescape
func tanhAVX2FMA(x, y *float64, n int)

func tanhVector(z []float64) int {
	n := len(z) &^ 3
	if !vectorTanh || n == 0 {
		return 0
	}
	tanhAVX2FMA(&z[0], &z[0], n)
	return n
}

// setVectorTanh turns the kernel on (where the CPU allows) or off, for
// tests and benchmarks that compare the two.
func setVectorTanh(on bool) bool {
	old := vectorTanh
	vectorTanh = on && cpu.X86.HasAVX2 && cpu.X86.HasAVX && cpu.X86.HasFMA
	return old
}
