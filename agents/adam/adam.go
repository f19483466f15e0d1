// Package adam implements the Adam optimizer (Kingma & Ba, 2015) in float64
// with exactly PyTorch's bias correction, so a student trained here follows
// the same update rule as one trained with torch.optim.Adam:
//
//	m ← β1·m + (1−β1)·g
//	v ← β2·v + (1−β2)·g²
//	p ← p − (lr / (1−β1^t)) · m / (sqrt(v)/sqrt(1−β2^t) + ε)
//
// The gradient is first rescaled to at most GradClip global L2 norm when
// GradClip > 0 (like torch.nn.utils.clip_grad_norm_).
//
// Two forms are offered: Adam keeps the moments of a fixed, flat parameter
// vector (an MLP); Update takes caller-owned moments, for optimizers whose
// parameters come and go (SMGrNN keeps moments per edge ID).
package adam

import (
	"fmt"
	"math"

	"github.com/smgrnn/arena/framework"
)

// Adam is the optimizer state for a flat parameter vector of fixed length.
type Adam struct {
	cfg  framework.Adam
	t    int
	m, v []float64
}

// New returns a fresh optimizer (zero moments, no steps taken) for n
// parameters. cfg is used as given; check it first with cfg.Validate when it
// comes from user input.
func New(cfg framework.Adam, n int) *Adam {
	return &Adam{cfg: cfg, m: make([]float64, n), v: make([]float64, n)}
}

// Config returns the settings the optimizer was built with.
func (a *Adam) Config() framework.Adam { return a.cfg }

// Len is the number of parameters the optimizer holds moments for.
func (a *Adam) Len() int { return len(a.m) }

// Step clips grads in place to cfg.GradClip global norm when that is
// positive, then applies one Adam update to params. Both slices must have
// the optimizer's length; a mismatch is a programming error and panics.
func (a *Adam) Step(params, grads []float64) {
	if len(params) != len(a.m) || len(grads) != len(a.m) {
		panic(fmt.Sprintf("adam: Step with %d params and %d grads, optimizer holds %d", len(params), len(grads), len(a.m)))
	}
	a.t++
	Update(a.cfg, a.t, params, grads, a.m, a.v)
}

// Steps is the number of updates applied so far.
func (a *Adam) Steps() int { return a.t }

// State returns the step count and the first and second moments. The slices
// are the optimizer's own (for checkpointing; do not modify).
func (a *Adam) State() (t int, m, v []float64) { return a.t, a.m, a.v }

// SetState replaces the step count and moments, e.g. from a checkpoint. It
// copies m and v, which must have the optimizer's length.
func (a *Adam) SetState(t int, m, v []float64) error {
	if t < 0 {
		return fmt.Errorf("adam: negative step count %d", t)
	}
	if len(m) != len(a.m) || len(v) != len(a.v) {
		return fmt.Errorf("adam: state has %d and %d moments, optimizer holds %d", len(m), len(v), len(a.m))
	}
	for i := range v {
		if v[i] < 0 || math.IsNaN(v[i]) || math.IsNaN(m[i]) {
			return fmt.Errorf("adam: invalid moment at %d (m=%v, v=%v)", i, m[i], v[i])
		}
	}
	a.t = t
	copy(a.m, m)
	copy(a.v, v)
	return nil
}

// ClipNorm rescales grads in place so that their global L2 norm is at most
// maxNorm, when it is larger, and returns the norm before clipping. A
// maxNorm ≤ 0 only measures. Huge or tiny gradients do not overflow or
// underflow the norm (see l2).
func ClipNorm(grads []float64, maxNorm float64) (norm float64) {
	norm = l2(grads)
	if maxNorm > 0 && norm > maxNorm {
		// PyTorch multiplies by max_norm/(norm+1e-6); we use the exact ratio
		// so the clipped norm is maxNorm (the difference is below 1e-6
		// relative and the exact form is easier to test and reason about).
		s := maxNorm / norm
		for i := range grads {
			grads[i] *= s
		}
	}
	return norm
}

// FiniteNorm reports whether the Euclidean norm of x is finite, as
// math.IsNaN and math.IsInf would find ClipNorm(x, 0), the check a student
// makes before a step. It sums the squares with four accumulators, which
// a serial sum's chain of dependent adds cannot keep up with; a finite
// sum means every value is finite and the norm too. Otherwise the norm
// itself decides (it may still be finite, with dnrm2's scaling).
func FiniteNorm(x []float64) bool {
	var s0, s1, s2, s3 float64
	i := 0
	for ; i+4 <= len(x); i += 4 {
		s0 += x[i] * x[i]
		s1 += x[i+1] * x[i+1]
		s2 += x[i+2] * x[i+2]
		s3 += x[i+3] * x[i+3]
	}
	for ; i < len(x); i++ {
		s0 += x[i] * x[i]
	}
	if s := (s0 + s1) + (s2 + s3); !math.IsNaN(s) && !math.IsInf(s, 0) {
		return true
	}
	n := l2(x)
	return !math.IsNaN(n) && !math.IsInf(n, 0)
}

// l2 is the Euclidean norm. The plain sum of squares is exact enough and
// fast; only when it overflows or underflows (a gradient beyond ~1e154 or
// below ~1e-154) is the norm recomputed with dnrm2's scaling.
func l2(x []float64) float64 {
	ssq := 0.0
	for _, v := range x {
		ssq += v * v
	}
	if ssq > 1e-290 && ssq < 1e290 {
		return math.Sqrt(ssq)
	}
	if math.IsNaN(ssq) {
		return ssq
	}
	return scaledL2(x)
}

// scaledL2 is the Euclidean norm computed like BLAS dnrm2, with a running
// scale so that neither overflow nor underflow occurs.
func scaledL2(x []float64) float64 {
	scale, ssq := 0.0, 1.0
	for _, v := range x {
		if v == 0 {
			continue
		}
		a := math.Abs(v)
		if math.IsNaN(a) {
			return math.NaN()
		}
		if scale < a {
			r := scale / a
			ssq = 1 + ssq*r*r
			scale = a
		} else {
			r := a / scale
			ssq += r * r
		}
	}
	if math.IsInf(scale, 1) || scale == 0 {
		return scale
	}
	return scale * math.Sqrt(ssq)
}

// Update applies one Adam update with caller-owned moments m and v (same
// length as params and grads), for optimizers whose parameters come and go.
// t is the 1-based step count used for bias correction. grads are first
// clipped in place to cfg.GradClip global norm when that is positive.
func Update(cfg framework.Adam, t int, params, grads, m, v []float64) {
	n := len(params)
	if len(grads) != n || len(m) != n || len(v) != n {
		panic(fmt.Sprintf("adam: Update with lengths params=%d grads=%d m=%d v=%d", n, len(grads), len(m), len(v)))
	}
	if t < 1 {
		panic(fmt.Sprintf("adam: Update with step %d, steps are 1-based", t))
	}
	if cfg.GradClip > 0 {
		ClipNorm(grads, cfg.GradClip)
	}
	b1, b2 := cfg.Beta1, cfg.Beta2
	bc1 := 1 - math.Pow(b1, float64(t))
	bc2 := math.Sqrt(1 - math.Pow(b2, float64(t)))
	stepSize := cfg.LearningRate / bc1
	eps := cfg.Epsilon
	params, grads, m, v = params[:n], grads[:n], m[:n], v[:n]
	c := [7]float64{b1, 1 - b1, b2, 1 - b2, stepSize, bc2, eps}
	from := updateVector(&c, params, grads, m, v)
	for i := from; i < n; i++ {
		g := grads[i]
		mi := b1*m[i] + (1-b1)*g
		vi := b2*v[i] + (1-b2)*g*g
		m[i] = mi
		v[i] = vi
		params[i] -= stepSize * mi / (math.Sqrt(vi)/bc2 + eps)
	}
}
