package mlp

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/smgrnn/arena/agents/activation"
)

func relErr(a, b, floor float64) float64 {
	return math.Abs(a-b) / math.Max(math.Max(math.Abs(a), math.Abs(b)), floor)
}

func randSlice(rng *rand.Rand, n int, scale float64) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = scale * rng.NormFloat64()
	}
	return x
}

// TestNetworkGradient checks Backward against central differences of the
// scalar loss Σ c·output for random c, for every activation and a few
// shapes (including a single layer and odd widths that exercise the
// unrolled loops' tails).
func TestNetworkGradient(t *testing.T) {
	shapes := [][]int{{3, 2}, {4, 7, 2}, {5, 9, 6, 3}, {1, 13, 1}}
	for _, act := range activation.All() {
		for _, sizes := range shapes {
			t.Run(fmt.Sprintf("%s%v", act, sizes), func(t *testing.T) {
				rng := rand.New(rand.NewPCG(7, uint64(len(sizes))))
				net, err := NewNetwork(sizes, act, rng)
				if err != nil {
					t.Fatal(err)
				}
				const batch = 6
				x := randSlice(rng, batch*sizes[0], 1)
				c := randSlice(rng, batch*sizes[len(sizes)-1], 1)
				loss := func() float64 {
					out := net.Forward(x, batch)
					s := 0.0
					for i, o := range out {
						s += o * c[i]
					}
					return s
				}
				loss()
				grads := make([]float64, net.NumParams())
				for i := range grads {
					grads[i] = 123 // Backward must overwrite, not add
				}
				net.Backward(c, grads)
				p := net.Params()
				const eps = 1e-6
				for i := range p {
					orig := p[i]
					p[i] = orig + eps
					lp := loss()
					p[i] = orig - eps
					lm := loss()
					p[i] = orig
					num := (lp - lm) / (2 * eps)
					if e := relErr(grads[i], num, 1e-3); e > 1e-6 {
						t.Errorf("param %d: analytic %.12g numeric %.12g (rel err %.3g)", i, grads[i], num, e)
					}
				}
			})
		}
	}
}

// TestForwardKnown checks a hand-built network against a hand computation.
func TestForwardKnown(t *testing.T) {
	net, err := NewNetwork([]int{2, 2, 1}, activation.Tanh, rand.New(rand.NewPCG(1, 1)))
	if err != nil {
		t.Fatal(err)
	}
	// Layer 0: W = [[1, 2], [-1, 0.5]], b = [0.1, -0.2]; layer 1: W = [[3, -2]], b = [0.5].
	copy(net.Params(), []float64{1, 2, -1, 0.5, 0.1, -0.2, 3, -2, 0.5})
	out := net.Forward([]float64{0.3, -0.4, 1, 2}, 2)
	want := func(x0, x1 float64) float64 {
		h0 := math.Tanh(x0 + 2*x1 + 0.1)
		h1 := math.Tanh(-x0 + 0.5*x1 - 0.2)
		return 3*h0 - 2*h1 + 0.5
	}
	for s, w := range []float64{want(0.3, -0.4), want(1, 2)} {
		if math.Abs(out[s]-w) > 1e-14 {
			t.Errorf("sample %d: %v, want %v", s, out[s], w)
		}
	}
}

// TestInitialisation checks PyTorch's bounds and that a seed fixes the
// weights.
func TestInitialisation(t *testing.T) {
	mk := func(seed uint64) *Network {
		n, err := NewNetwork([]int{4, 64, 64, 2}, activation.Tanh, rand.New(rand.NewPCG(seed, 0)))
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	a, b, c := mk(1), mk(1), mk(2)
	if a.NumParams() != 4*64+64+64*64+64+64*2+2 || a.NumWeights() != 4*64+64*64+64*2 {
		t.Fatalf("NumParams %d NumWeights %d", a.NumParams(), a.NumWeights())
	}
	same, diff := true, false
	for i := range a.Params() {
		same = same && a.Params()[i] == b.Params()[i]
		diff = diff || a.Params()[i] != c.Params()[i]
	}
	if !same || !diff {
		t.Errorf("same seed identical: %v, different seed differs: %v", same, diff)
	}
	for l, fanIn := range []int{4, 64, 64} {
		w, bias := a.Layer(l)
		bound, maxAbs := 1/math.Sqrt(float64(fanIn)), 0.0
		for _, v := range append(append([]float64(nil), w...), bias...) {
			maxAbs = math.Max(maxAbs, math.Abs(v))
		}
		if maxAbs > bound || maxAbs < 0.9*bound {
			t.Errorf("layer %d: max |param| %v, want close to and below %v", l, maxAbs, bound)
		}
	}
}

func TestNewNetworkRejects(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	tests := []struct {
		sizes []int
		act   activation.Activation
		rng   *rand.Rand
	}{
		{[]int{4}, activation.Tanh, rng},
		{[]int{4, 0, 2}, activation.Tanh, rng},
		{[]int{-1, 2}, activation.Tanh, rng},
		{[]int{4, 2}, activation.Activation(9), rng},
		{[]int{4, 2}, activation.Tanh, nil},
		{[]int{4, 1 << 28, 2}, activation.Tanh, rng},
		{[]int{4, 1 << 14, 1 << 14, 2}, activation.Tanh, rng},
	}
	for _, tt := range tests {
		if _, err := NewNetwork(tt.sizes, tt.act, tt.rng); err == nil {
			t.Errorf("NewNetwork(%v, %q) accepted", tt.sizes, tt.act)
		}
	}
}
