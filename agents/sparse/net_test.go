package sparse

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/smgrnn/arena/agents/activation"
)

func randSlice(rng *rand.Rand, n int, scale float64) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = scale * rng.NormFloat64()
	}
	return x
}

// randomNet is a sparse network of the given widths keeping each position
// with probability density, with random weights and biases.
func randomNet(widths []int, density float64, act activation.Activation, rng *rand.Rand) *Net {
	ls := emptyLayers(widths)
	for l := range ls {
		s := &ls[l]
		for o := range s.out {
			for i := range s.in {
				if rng.Float64() < density {
					s.conns = append(s.conns, conn{src: int32(i), dst: int32(o), w: rng.NormFloat64()})
				}
			}
			s.b[o] = rng.NormFloat64()
		}
	}
	return newNet(act, ls)
}

// TestNetGradient checks Backward against central differences of the loss
// Σ c·output, for every activation, dense and sparse layers.
func TestNetGradient(t *testing.T) {
	for _, act := range activation.All() {
		for _, tc := range []struct {
			widths  []int
			density float64
		}{{[]int{3, 2}, 1}, {[]int{4, 7, 2}, 0.5}, {[]int{5, 9, 6, 3}, 0.3}, {[]int{2, 13, 1}, 1}} {
			t.Run(fmt.Sprintf("%s%v/%.1f", act, tc.widths, tc.density), func(t *testing.T) {
				rng := rand.New(rand.NewPCG(7, uint64(len(tc.widths))))
				net := randomNet(tc.widths, tc.density, act, rng)
				const batch = 5
				x := randSlice(rng, batch*tc.widths[0], 1)
				c := randSlice(rng, batch*tc.widths[len(tc.widths)-1], 1)
				loss := func() float64 {
					s := 0.0
					for i, o := range net.Forward(x, batch) {
						s += o * c[i]
					}
					return s
				}
				loss()
				net.Backward(c)
				grads := append([]float64(nil), net.Grads()...)
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
					if e := math.Abs(num-grads[i]) / math.Max(math.Max(math.Abs(num), math.Abs(grads[i])), 1e-3); e > 1e-5 {
						t.Errorf("param %d: backward %.9g, numeric %.9g", i, grads[i], num)
					}
				}
			})
		}
	}
}

// TestDenseGradMatchesKeptGradients: RigL's dense gradient agrees with
// Backward on every kept connection, and on a free position it is the
// derivative with respect to a weight added there at zero.
func TestDenseGradMatchesKeptGradients(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	widths := []int{4, 6, 3}
	net := randomNet(widths, 0.5, activation.Tanh, rng)
	const batch = 7
	x := randSlice(rng, batch*4, 1)
	c := randSlice(rng, batch*3, 1)
	net.Forward(x, batch)
	net.Backward(c)
	for l, ly := range net.layers {
		g := make([]float64, ly.in*ly.out)
		net.DenseGrad(l, g)
		for k := range ly.src {
			want := net.grads[ly.woff+k]
			if got := g[int(ly.dst[k])*ly.in+int(ly.src[k])]; math.Abs(got-want) > 1e-12*math.Max(1, math.Abs(want)) {
				t.Errorf("layer %d connection %d: dense %v, kept %v", l, k, got, want)
			}
		}
	}
	// A free position of layer 1: add it at zero weight and compare.
	ls := net.unpack()
	f := free(&ls[1])
	if len(f) == 0 {
		t.Fatal("no free position")
	}
	p := f[0]
	g := make([]float64, 6*3)
	net.DenseGrad(1, g)
	ls[1].conns = append(ls[1].conns, conn{src: int32(p % 6), dst: int32(p / 6)})
	grown := newNet(activation.Tanh, ls)
	grown.Forward(x, batch)
	grown.Backward(c)
	ly := grown.layers[1]
	for k := range ly.src {
		if int(ly.dst[k])*6+int(ly.src[k]) == p {
			if got := grown.grads[ly.woff+k]; math.Abs(got-g[p]) > 1e-12*math.Max(1, math.Abs(got)) {
				t.Errorf("free position %d: dense gradient %v, gradient once grown %v", p, g[p], got)
			}
			return
		}
	}
	t.Fatal("grown connection not found")
}

// TestNumParamsCountsBiasesInUse: a hidden neuron's bias counts only while
// it has an outgoing connection; output biases always count.
func TestNumParamsCountsBiasesInUse(t *testing.T) {
	ls := emptyLayers([]int{2, 3, 1})
	ls[0].conns = []conn{{src: 0, dst: 0}, {src: 1, dst: 1}, {src: 0, dst: 2}}
	ls[1].conns = []conn{{src: 0, dst: 0}, {src: 2, dst: 0}}
	net := newNet(activation.Tanh, ls)
	// 5 weights + hidden neurons 0 and 2 + 1 output bias.
	if got, want := net.NumParams(), 5+2+1; got != want {
		t.Errorf("NumParams = %d, want %d", got, want)
	}
	if got := net.NumHidden(); got != 2 {
		t.Errorf("NumHidden = %d, want 2", got)
	}
	if got, want := countParams(net.unpack()), net.NumParams(); got != want {
		t.Errorf("countParams = %d, NumParams = %d", got, want)
	}
	dense := newNet(activation.Tanh, denseLayers([]int{4, 64, 64, 2}))
	if got, want := dense.NumParams(), denseParams([]int{4, 64, 64, 2}); got != want || want != 4610 {
		t.Errorf("dense NumParams = %d, denseParams = %d, want 4610 (the 64×64 MLP's)", got, want)
	}
}

func TestERAlloc(t *testing.T) {
	ins, outs := []int{4, 64, 64}, []int{64, 64, 2}
	caps := []int{256, 4096, 128}
	for _, tc := range []struct {
		w    int
		want []int
	}{
		// ε = 300/262: shares ε·(in+out) = 77.9, 146.6, 75.6.
		{300, []int{78, 146, 76}},
		// Layers 0 and 2 would exceed their capacity: filled, the rest
		// goes to layer 1.
		{1000, []int{256, 616, 128}},
		{5000, []int{256, 4096, 128}},
		{3, []int{1, 1, 1}},
	} {
		got := erAlloc(tc.w, ins, outs, caps)
		sum := 0
		for l, k := range got {
			sum += k
			if k > caps[l] {
				t.Errorf("erAlloc(%d) layer %d: %d above capacity %d", tc.w, l, k, caps[l])
			}
		}
		if fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("erAlloc(%d) = %v, want %v", tc.w, got, tc.want)
		}
		if sum != min(tc.w, 256+4096+128) {
			t.Errorf("erAlloc(%d) sums to %d", tc.w, sum)
		}
	}
}

// TestSplitPreservesFunction: Net2WiderNet splits leave every output
// unchanged (to rounding) and add one neuron each.
func TestSplitPreservesFunction(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	net := newNet(activation.Tanh, denseLayers([]int{3, 4, 5, 2}))
	for i := range net.params {
		net.params[i] = rng.NormFloat64()
	}
	const batch = 9
	x := randSlice(rng, batch*3, 1)
	before := append([]float64(nil), net.Forward(x, batch)...)
	ls := net.unpack()
	for range 6 {
		split(ls, rng.IntN(2), rng)
	}
	wide := newNet(activation.Tanh, ls)
	if got := wide.Sizes(); got[1]+got[2] != 4+5+6 {
		t.Fatalf("widths after 6 splits %v", got)
	}
	if got, want := wide.NumParams(), denseParams(wide.Sizes()); got != want {
		t.Errorf("split network has %d parameters, dense of its widths %d", got, want)
	}
	after := wide.Forward(x, batch)
	for i := range before {
		if math.Abs(after[i]-before[i]) > 1e-12 {
			t.Errorf("output %d: %v before the splits, %v after", i, before[i], after[i])
		}
	}
}
