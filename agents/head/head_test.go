package head

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/smgrnn/arena/framework"
)

// relErr is |a−b| / max(|a|, |b|, floor): a relative error that does not
// blow up for values near zero.
func relErr(a, b, floor float64) float64 {
	return math.Abs(a-b) / math.Max(math.Max(math.Abs(a), math.Abs(b)), floor)
}

// checkGrad compares Loss's analytic gradient with central differences.
func checkGrad(t *testing.T, h *Head, raw []float64, n int, labels *framework.Labels) {
	t.Helper()
	grad := make([]float64, len(raw))
	h.Loss(raw, n, labels, grad)
	scratch := make([]float64, len(raw))
	const eps = 1e-6
	for i := range raw {
		orig := raw[i]
		raw[i] = orig + eps
		lp := h.Loss(raw, n, labels, scratch)
		raw[i] = orig - eps
		lm := h.Loss(raw, n, labels, scratch)
		raw[i] = orig
		num := (lp - lm) / (2 * eps)
		if e := relErr(grad[i], num, 1e-3); e > 1e-6 {
			t.Errorf("d loss / d raw[%d]: analytic %.12g, numeric %.12g (rel err %.3g)", i, grad[i], num, e)
		}
	}
}

func randSlice(rng *rand.Rand, n int, scale float64) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = scale * rng.NormFloat64()
	}
	return x
}

func TestGradients(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	const n = 5
	disc := &framework.Discrete{N: 3, Start: -1}
	probs := make([]float64, n*3)
	for s := range n {
		sum := 0.0
		for j := range 3 {
			probs[s*3+j] = rng.Float64()
			sum += probs[s*3+j]
		}
		for j := range 3 {
			probs[s*3+j] /= sum
		}
	}
	probs[2] = 0 // a zero probability must not produce NaN
	probs[0], probs[1] = probs[0]/(probs[0]+probs[1]), probs[1]/(probs[0]+probs[1])
	box := framework.NewBox(
		[]float64{-2, -1, math.Inf(-1), 0, -float64(math.MaxFloat32)},
		[]float64{2, 3, math.Inf(1), math.Inf(1), float64(math.MaxFloat32)})
	boxTargets := randSlice(rng, n*5, 2)
	boxTargets[0] = 5 // outside the bounds: clipped to 2
	tests := []struct {
		name   string
		space  framework.Space
		labels framework.Labels
	}{
		{"cross-entropy", disc, framework.Labels{Actions: []float64{-1, 0, 1, 1, -1}}},
		{"kl", disc, framework.Labels{Actions: []float64{-1, 0, 1, 1, -1}, Probs: probs}},
		{"mse-action", box, framework.Labels{Actions: boxTargets}},
		{"mse-mean", box, framework.Labels{Actions: make([]float64, n*5), Mean: boxTargets}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, err := New(tt.space)
			if err != nil {
				t.Fatal(err)
			}
			if err := h.CheckLabels(&tt.labels, n); err != nil {
				t.Fatalf("labels rejected: %v", err)
			}
			checkGrad(t, h, randSlice(rng, n*h.Outputs(), 1.5), n, &tt.labels)
		})
	}
}

// TestLossValues checks losses against closed forms.
func TestLossValues(t *testing.T) {
	disc, _ := New(&framework.Discrete{N: 2})
	grad := make([]float64, 4)
	// Logits (0, 0): cross-entropy log 2 whatever the action.
	if l := disc.Loss([]float64{0, 0, 0, 0}, 2, &framework.Labels{Actions: []float64{0, 1}}, grad); math.Abs(l-math.Ln2) > 1e-15 {
		t.Errorf("CE at zero logits = %v, want ln 2", l)
	}
	// KL to the model's own distribution is zero, with zero gradient.
	z := []float64{1, -1, 0.3, 0.2}
	q := func(a, b float64) []float64 { e := math.Exp(a - b); return []float64{e / (1 + e), 1 / (1 + e)} }
	p := append(q(1, -1), q(0.3, 0.2)...)
	if l := disc.Loss(z, 2, &framework.Labels{Actions: []float64{0, 0}, Probs: p}, grad); math.Abs(l) > 1e-15 {
		t.Errorf("KL to own distribution = %v, want 0", l)
	}
	for i, g := range grad {
		if math.Abs(g) > 1e-15 {
			t.Errorf("KL gradient %d = %v at the optimum", i, g)
		}
	}
	// Huge logits stay finite (stable log-softmax).
	if l := disc.Loss([]float64{1000, -1000, 800, 900}, 2, &framework.Labels{Actions: []float64{1, 0}}, grad); math.Abs(l-(2000+100)/2.0) > 1e-9 {
		t.Errorf("CE at huge logits = %v, want 1050", l)
	}
	// Box: the squashed mean equals the target exactly when z = atanh(...).
	box, _ := New(framework.NewBox([]float64{-2}, []float64{2}))
	if l := box.Loss([]float64{math.Atanh(0.5)}, 1, &framework.Labels{Actions: []float64{1}}, grad); math.Abs(l) > 1e-15 {
		t.Errorf("MSE at exact match = %v", l)
	}
	// A target beyond the bound is clipped: the loss is to 2, not to 10.
	if l := box.Loss([]float64{0}, 1, &framework.Labels{Actions: []float64{10}}, grad); math.Abs(l-4) > 1e-15 {
		t.Errorf("MSE to clipped target = %v, want 4", l)
	}
	// An out-of-range action gives NaN, not a panic.
	if l := disc.Loss([]float64{0, 0}, 1, &framework.Labels{Actions: []float64{7}}, grad); !math.IsNaN(l) {
		t.Errorf("loss with invalid action = %v, want NaN", l)
	}
}

func TestActions(t *testing.T) {
	tests := []struct {
		name  string
		space framework.Space
		raw   []float64
		want  []float64
	}{
		{"argmax", &framework.Discrete{N: 3}, []float64{0, 2, 1, 5, 5, 1}, []float64{1, 0}},
		{"start", &framework.Discrete{N: 3, Start: -1}, []float64{0, 2, 1, 0, 0, 9}, []float64{0, 1}},
		{"nan-logit", &framework.Discrete{N: 2}, []float64{math.NaN(), 1}, []float64{1}},
		{"tanh", framework.NewBox([]float64{-2, 0}, []float64{2, 10}), []float64{0, 0, 100, -100}, []float64{0, 5, 2, 0}},
		{"identity-clipped", framework.NewBox([]float64{math.Inf(-1), 0}, []float64{math.Inf(1), math.Inf(1)}), []float64{-7, -3, 7, 3}, []float64{-7, 0, 7, 3}},
		{"degenerate", framework.NewBox([]float64{1}, []float64{1}), []float64{-3}, []float64{1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, err := New(tt.space)
			if err != nil {
				t.Fatal(err)
			}
			n := len(tt.raw) / h.Outputs()
			got := make([]float64, n*h.ActionDim())
			h.Actions(tt.raw, n, got)
			for i := range got {
				if math.Abs(got[i]-tt.want[i]) > 1e-12 {
					t.Fatalf("actions = %v, want %v", got, tt.want)
				}
			}
			for s := range n {
				if !tt.space.Contains(got[s*h.ActionDim() : (s+1)*h.ActionDim()]) {
					t.Errorf("action %v not in %s", got[s*h.ActionDim():(s+1)*h.ActionDim()], tt.space)
				}
			}
		})
	}
}

// TestActionsInBox checks random raw outputs always give in-bounds actions.
func TestActionsInBox(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	space := framework.NewBox([]float64{-1, -0.1, 3}, []float64{1, 0.1, 1e6})
	h, _ := New(space)
	raw := randSlice(rng, 3*1000, 30)
	act := make([]float64, len(raw))
	h.Actions(raw, 1000, act)
	for s := range 1000 {
		if !space.Contains(act[s*3 : s*3+3]) {
			t.Fatalf("action %v (raw %v) not in %s", act[s*3:s*3+3], raw[s*3:s*3+3], space)
		}
	}
}

func TestNewRejects(t *testing.T) {
	for _, s := range []framework.Space{nil, &framework.Discrete{N: 0}, &framework.Box{}, framework.NewBox([]float64{1}, []float64{0})} {
		if _, err := New(s); err == nil {
			t.Errorf("New(%v) accepted", s)
		}
	}
}

func TestCheckLabels(t *testing.T) {
	disc, _ := New(&framework.Discrete{N: 2, Start: 1})
	box, _ := New(framework.NewBox([]float64{-1, -1}, []float64{1, 1}))
	tests := []struct {
		name string
		h    *Head
		l    *framework.Labels
		n    int
		ok   bool
	}{
		{"nil", disc, nil, 1, false},
		{"discrete-ok", disc, &framework.Labels{Actions: []float64{1, 2}}, 2, true},
		{"discrete-short", disc, &framework.Labels{Actions: []float64{1}}, 2, false},
		{"discrete-range", disc, &framework.Labels{Actions: []float64{0, 2}}, 2, false},
		{"discrete-fraction", disc, &framework.Labels{Actions: []float64{1.5}}, 1, false},
		{"probs-ok", disc, &framework.Labels{Probs: []float64{0.2, 0.8}}, 1, true},
		{"probs-negative", disc, &framework.Labels{Probs: []float64{-0.2, 1.2}}, 1, false},
		{"probs-nan", disc, &framework.Labels{Probs: []float64{math.NaN(), 1}}, 1, false},
		{"probs-short", disc, &framework.Labels{Probs: []float64{1}}, 1, false},
		{"box-ok", box, &framework.Labels{Actions: []float64{0, 5}}, 1, true},
		{"box-mean", box, &framework.Labels{Actions: []float64{0}, Mean: []float64{0, 1}}, 1, true},
		{"box-short", box, &framework.Labels{Actions: []float64{0}}, 1, false},
		{"box-nan", box, &framework.Labels{Actions: []float64{0, math.NaN()}}, 1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.h.CheckLabels(tt.l, tt.n)
			if (err == nil) != tt.ok {
				t.Errorf("CheckLabels = %v, want ok=%v", err, tt.ok)
			}
		})
	}
}

func BenchmarkLoss(b *testing.B) {
	rng := rand.New(rand.NewPCG(5, 6))
	const n = 256
	for _, bc := range []struct {
		name   string
		space  framework.Space
		labels framework.Labels
	}{
		{"CE2", &framework.Discrete{N: 2}, framework.Labels{Actions: make([]float64, n)}},
		{"MSE1", framework.NewBox([]float64{-2}, []float64{2}), framework.Labels{Actions: randSlice(rng, n, 1)}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			h, _ := New(bc.space)
			raw := randSlice(rng, n*h.Outputs(), 1)
			grad := make([]float64, len(raw))
			for b.Loop() {
				h.Loss(raw, n, &bc.labels, grad)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/sample")
		})
	}
}
