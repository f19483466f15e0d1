// Package obsscale maps observations onto [-1, 1] using the observation
// space's own bounds: a fixed affine map per bounded dimension, with no
// parameters, that students may apply to their inputs.
//
// Why: classic-control observations differ in scale by orders of magnitude
// (MountainCar's velocity spans ±0.07, Acrobot's angular velocities ±9π).
// A network whose initial weights are uniform in ±1/√fan-in sees the small
// ones as almost constant until training has grown their weights.
package obsscale

import (
	"math"

	"github.com/smgrnn/arena/framework"
)

// Scaler maps each bounded dimension of an observation space onto [-1, 1]
// and leaves the others unchanged. It is not safe for concurrent use (it
// owns the buffer Apply returns).
type Scaler struct {
	dim             int
	center, invHalf []float64
	identity        bool
	buf             []float64
}

// New returns the Scaler of space (dimension dim). With on false, or for a
// space that is not a Box, every dimension is left unchanged. A dimension
// is bounded when both its bounds are finite, inside float32's range, and
// low < high.
func New(space framework.Space, dim int, on bool) *Scaler {
	s := &Scaler{dim: dim, center: make([]float64, dim), invHalf: make([]float64, dim), identity: true}
	for i := range s.invHalf {
		s.invHalf[i] = 1
	}
	box, ok := space.(*framework.Box)
	if !on || !ok || len(box.Low) != dim {
		return s
	}
	for i := range box.Low {
		lo, hi := box.Low[i], box.High[i]
		if math.IsInf(lo, 0) || math.IsInf(hi, 0) || lo <= -math.MaxFloat32 || hi >= math.MaxFloat32 || !(hi > lo) {
			continue
		}
		s.center[i], s.invHalf[i] = (lo+hi)/2, 2/(hi-lo)
		s.identity = false
	}
	return s
}

// Identity reports whether Apply changes nothing.
func (s *Scaler) Identity() bool { return s.identity }

// Apply returns the rows of obs (a multiple of the dimension long) mapped
// by the scaler: obs itself when every dimension is unchanged, else a
// buffer of the Scaler's that the next Apply overwrites.
func (s *Scaler) Apply(obs []float64) []float64 {
	if s.identity {
		return obs
	}
	s.buf = framework.Resize(s.buf, len(obs))
	d := s.dim
	for i, v := range obs {
		k := i % d
		s.buf[i] = (v - s.center[k]) * s.invHalf[k]
	}
	return s.buf
}
