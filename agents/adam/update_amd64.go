//go:build amd64 && !amd64.v3

// The kernels round every operation on their own, as Go does for GOAMD64
// v1 and v2; from v3 on Go fuses multiply-adds in Update's loop, so those
// builds use the loop alone (update_noasm.go).

package adam

import "golang.org/x/sys/cpu"

// updateLanes is the width of the kernel Update uses: 8 (AVX-512), 4
// (AVX2) or 0 (none, the plain loop).
var updateLanes = bestLanes()

func bestLanes() int {
	switch {
	case cpu.X86.HasAVX512F:
		return 8
	case cpu.X86.HasAVX2:
		return 4
	}
	return 0
}

//go:noescape
func updateAVX2(n int, params, grads, m, v *float64, c *[7]float64)

//go:noescape
func updateAVX512(n int, params, grads, m, v *float64, c *[7]float64)

// updateVector applies Update's loop to the first parameters with a
// kernel and returns how many it did; the slices have equal lengths.
func updateVector(c *[7]float64, params, grads, m, v []float64) int {
	done := 0
	if updateLanes == 8 {
		if n := len(params) &^ 7; n > 0 {
			updateAVX512(n, &params[0], &grads[0], &m[0], &v[0], c)
			done = n
		}
	}
	if updateLanes >= 4 {
		if n := (len(params) - done) &^ 3; n > 0 {
			updateAVX2(n, &params[done], &grads[done], &m[done], &v[done], c)
			done += n
		}
	}
	return done
}

// updateWidths lists the kernel widths this CPU can run, 0 (the plain
// loop) first, for tests.
func updateWidths() []int {
	ws := []int{0}
	if cpu.X86.HasAVX2 {
		ws = append(ws, 4)
	}
	if cpu.X86.HasAVX512F {
		ws = append(ws, 8)
	}
	return ws
}

// setUpdateLanes selects a kernel width (one of updateWidths) and returns
// the previous one.
func setUpdateLanes(w int) int { old := updateLanes; updateLanes = w; return old }
