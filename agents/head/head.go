// Package head maps a student network's raw outputs to actions and computes
// the distillation loss and its gradient with respect to those outputs. Both
// students (MLP and SMGrNN) share it, so they are trained on exactly the
// same objective.
//
// Discrete(N) action space: the network emits N logits per sample. The
// action is the argmax (ties go to the lowest index) plus the space's Start.
// The loss is the cross-entropy to the teacher's action, or, when the labels
// carry the teacher's probabilities p, KL(p ‖ softmax(z)) — the same
// gradient as the cross-entropy to p, but a loss that is 0 at a perfect
// match. Both use a max-shifted log-softmax, so large logits do not
// overflow.
//
// Box action space with D dimensions: the network emits D values, the
// action mean. On a dimension with finite bounds [low, high] the raw value z
// is squashed to low + (tanh(z)+1)/2·(high−low), so every action lies inside
// the bounds by construction and the gradient stays smooth (a hard clip
// would give zero gradient outside the box, and an unsquashed mean would
// need clipping at Act time, training one function and acting with
// another). On a dimension with an infinite bound the mean is z itself
// (identity), clipped into the bounds for the action. The loss is the mean
// squared error over all n·D values (PyTorch's F.mse_loss with reduction
// "mean") to the teacher's mean when the labels carry one, else to the
// teacher's action; targets are clipped into the bounds first, so a zero
// loss is attainable (a teacher's unclipped Gaussian mean may lie outside
// the box, where tanh never reaches).
package head

import (
	"fmt"
	"math"

	"github.com/smgrnn/arena/framework"
)

// Head maps raw outputs to actions and losses for one action space.
type Head struct {
	discrete *framework.Discrete
	box      *framework.Box
	// squash marks the Box dimensions that are bounded on both sides and so
	// use the tanh map; half is (high−low)/2 for them.
	squash []bool
	half   []float64
}

// New returns the head for an action space: Discrete or Box; anything else
// (or a malformed space) is an error.
func New(act framework.Space) (*Head, error) {
	if err := framework.Validate(act); err != nil {
		return nil, fmt.Errorf("head: invalid action space: %w", err)
	}
	switch s := act.(type) {
	case *framework.Discrete:
		return &Head{discrete: s}, nil
	case *framework.Box:
		h := &Head{box: s, squash: make([]bool, s.Dim()), half: make([]float64, s.Dim())}
		for i := range s.Low {
			h.squash[i] = finite(s.Low[i]) && finite(s.High[i])
			if h.squash[i] {
				h.half[i] = (s.High[i] - s.Low[i]) / 2
			}
		}
		return h, nil
	}
	return nil, fmt.Errorf("head: action space %s is neither Discrete nor Box", act)
}

// finite reports whether a bound is a real bound: Gymnasium marks an open
// side with ±inf or with float32's extreme values.
func finite(x float64) bool {
	return !math.IsInf(x, 0) && math.Abs(x) < math.MaxFloat32
}

// Outputs is the number of raw outputs per sample: N for Discrete, Dim for
// Box.
func (h *Head) Outputs() int {
	if h.discrete != nil {
		return h.discrete.N
	}
	return h.box.Dim()
}

// ActionDim is the number of values per action (1 for Discrete).
func (h *Head) ActionDim() int {
	if h.discrete != nil {
		return 1
	}
	return h.box.Dim()
}

// Actions writes the action of each of the n samples of raw (n·Outputs
// values) into actions (n·ActionDim values): for Discrete the argmax plus
// Start, for Box the squashed mean kept inside the bounds.
func (h *Head) Actions(raw []float64, n int, actions []float64) {
	k := h.Outputs()
	if h.discrete != nil {
		for s := range n {
			z := raw[s*k : s*k+k]
			best := 0
			for j := 1; j < k; j++ {
				// NaN never compares greater, so a NaN logit is never chosen
				// over a number and the action stays inside the space.
				if z[j] > z[best] || math.IsNaN(z[best]) {
					best = j
				}
			}
			actions[s] = float64(h.discrete.Start + best)
		}
		return
	}
	lo, hi := h.box.Low, h.box.High
	for s := range n {
		z := raw[s*k : s*k+k]
		a := actions[s*k : s*k+k]
		for d, v := range z {
			if h.squash[d] {
				v = lo[d] + (math.Tanh(v)+1)*h.half[d]
			}
			// Clamp guards rounding (and the identity dimensions); a NaN
			// stays NaN so a diverged network is visible, not hidden.
			a[d] = math.Min(math.Max(v, lo[d]), hi[d])
		}
	}
}

// CheckLabels reports whether labels hold a usable target for n samples:
// for Discrete, Probs of n·N non-negative finite values when given, else n
// valid actions; for Box, Mean (when given) or Actions of n·Dim non-NaN
// values. Loss assumes labels that pass this check.
func (h *Head) CheckLabels(labels *framework.Labels, n int) error {
	if labels == nil {
		return fmt.Errorf("head: no labels")
	}
	if n < 0 {
		return fmt.Errorf("head: negative batch size %d", n)
	}
	if h.discrete != nil {
		if labels.Probs != nil {
			k := h.discrete.N
			if len(labels.Probs) != n*k {
				return fmt.Errorf("head: %d probabilities for %d samples of %s, want %d", len(labels.Probs), n, h.discrete, n*k)
			}
			for i, p := range labels.Probs {
				if !(p >= 0) || math.IsInf(p, 0) {
					return fmt.Errorf("head: probability %d of sample %d is %v", i%k, i/k, p)
				}
			}
			return nil
		}
		if len(labels.Actions) != n {
			return fmt.Errorf("head: %d actions for %d samples of %s", len(labels.Actions), n, h.discrete)
		}
		for i, a := range labels.Actions {
			if _, err := h.discrete.Index(a); err != nil {
				return fmt.Errorf("head: label of sample %d: %w", i, err)
			}
		}
		return nil
	}
	target, what := boxTarget(labels)
	if len(target) != n*h.box.Dim() {
		return fmt.Errorf("head: %d label %s values for %d samples of %s, want %d", len(target), what, n, h.box, n*h.box.Dim())
	}
	for i, v := range target {
		if math.IsNaN(v) {
			return fmt.Errorf("head: label %s %d of sample %d is NaN", what, i%h.box.Dim(), i/h.box.Dim())
		}
	}
	return nil
}

// boxTarget is the regression target of a Box head: the teacher's mean when
// it gives one, else its action.
func boxTarget(l *framework.Labels) ([]float64, string) {
	if l.Mean != nil {
		return l.Mean, "mean"
	}
	return l.Actions, "action"
}

// Loss returns the mean loss over the n samples of raw (n·Outputs values)
// and writes dLoss/draw into grad (n·Outputs values, overwritten). Labels
// must pass CheckLabels; a Discrete action out of range gives a NaN loss
// instead of a panic. n = 0 gives 0.
func (h *Head) Loss(raw []float64, n int, labels *framework.Labels, grad []float64) float64 {
	if n <= 0 {
		return 0
	}
	if h.discrete != nil {
		return h.discreteLoss(raw, n, labels, grad)
	}
	return h.boxLoss(raw, n, labels, grad)
}

// discreteLoss is the cross-entropy (hard labels) or KL (soft labels) loss.
// With q = softmax(z), -Σ p log q has gradient q·Σp − p; for hard labels p
// is one-hot.
func (h *Head) discreteLoss(raw []float64, n int, labels *framework.Labels, grad []float64) float64 {
	k := h.discrete.N
	inv := 1 / float64(n)
	total := 0.0
	for s := range n {
		z := raw[s*k : s*k+k]
		g := grad[s*k : s*k+k]
		// log-softmax: z − max − log Σ exp(z − max); grad temporarily
		// holds exp(z − max).
		mx := z[0]
		for _, v := range z[1:] {
			mx = math.Max(mx, v)
		}
		sum := 0.0
		for j, v := range z {
			e := math.Exp(v - mx)
			g[j] = e
			sum += e
		}
		lse := mx + math.Log(sum)
		if labels.Probs != nil {
			p := labels.Probs[s*k : s*k+k]
			psum := 0.0
			for j, pj := range p {
				if pj > 0 {
					total += pj * (math.Log(pj) - (z[j] - lse))
				}
				psum += pj
			}
			for j := range g {
				g[j] = (g[j]/sum*psum - p[j]) * inv
			}
			continue
		}
		a := int(labels.Actions[s]) - h.discrete.Start
		if a < 0 || a >= k || labels.Actions[s] != math.Trunc(labels.Actions[s]) {
			for j := range g {
				g[j] = math.NaN()
			}
			total = math.NaN()
			continue
		}
		total += lse - z[a]
		for j := range g {
			g[j] = g[j] / sum * inv
		}
		g[a] -= inv
	}
	return total * inv
}

// boxLoss is the mean squared error of the (squashed) mean to the clipped
// target.
func (h *Head) boxLoss(raw []float64, n int, labels *framework.Labels, grad []float64) float64 {
	k := h.box.Dim()
	target, _ := boxTarget(labels)
	lo, hi := h.box.Low, h.box.High
	inv := 1 / float64(n*k)
	total := 0.0
	for s := range n {
		z := raw[s*k : s*k+k]
		y := target[s*k : s*k+k]
		g := grad[s*k : s*k+k]
		for d, v := range z {
			t := math.Min(math.Max(y[d], lo[d]), hi[d])
			if h.squash[d] {
				th := math.Tanh(v)
				a := lo[d] + (th+1)*h.half[d]
				e := a - t
				total += e * e
				g[d] = 2 * e * inv * (1 - th*th) * h.half[d]
				continue
			}
			e := v - t
			total += e * e
			g[d] = 2 * e * inv
		}
	}
	return total * inv
}
