//go:build amd64 && !amd64.v3

// The kernel rounds every operation on its own, as Go does for GOAMD64 v1
// and v2; from v3 on Go fuses multiply-adds in Update's loop, so those
// builds use the loop alone (update_noasm.go).

package adam

import "golang.org/x/sys/cpu"

// vectorUpdate says whether Update uses the kernel.
var vectorUpdate = cpu.X86.HasAVX2

//go:noescape
func updateAVX2(n int, params, grads, m, v *float64, c *[7]float64)

// updateVector applies Update's loop to the first parameters four at a
// time and returns how many it did; the slices have equal lengths.
func updateVector(c *[7]float64, params, grads, m, v []float64) int {
	n := len(params) &^ 3
	if !vectorUpdate || n == 0 {
		return 0
	}
	updateAVX2(n, &params[0], &grads[0], &m[0], &v[0], c)
	return n
}

// setVectorUpdate turns the kernel on (where the CPU has it) or off and
// returns the previous setting, for tests.
func setVectorUpdate(on bool) bool {
	old := vectorUpdate
	vectorUpdate = on && cpu.X86.HasAVX2
	return old
}
