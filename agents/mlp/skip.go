package mlp

import (
	"math"
	"math/rand/v2"
)

// skipStream is the random stream of the skip weights, apart from the
// network's, so turning skip on leaves the layers' initial weights as they
// were.
const skipStream = seedStream ^ 0x736b6970 // "skip"

// skip is a linear map from the (scaled) inputs straight to the outputs,
// added to the network's outputs: the input→output edges SMGrNN's initial
// topology has and a plain MLP lacks. Weights are out rows of in values,
// no bias (the output layer has one).
type skip struct {
	in, out int
	w       []float64
}

// newSkip draws the weights like nn.Linear: uniform on ±1/sqrt(in).
func newSkip(in, out int, seed uint64) *skip {
	rng := rand.New(rand.NewPCG(seed, skipStream))
	k := &skip{in: in, out: out, w: make([]float64, in*out)}
	bound := 1 / math.Sqrt(float64(in))
	for i := range k.w {
		k.w[i] = bound * (2*rng.Float64() - 1)
	}
	return k
}

// forward adds x·Wᵀ to y (batch rows of out values).
func (k *skip) forward(x, y []float64, batch int) {
	for s := range batch {
		xs := x[s*k.in : s*k.in+k.in]
		ys := y[s*k.out : s*k.out+k.out]
		for o := range ys {
			ys[o] += dotRow(k.w[o*k.in:o*k.in+k.in], xs)
		}
	}
}

// backward writes dLoss/dW = gradOutᵀ·x into g (out·in values).
func (k *skip) backward(x, gradOut, g []float64, batch int) {
	clear(g)
	for s := range batch {
		xs := x[s*k.in : s*k.in+k.in]
		for o, d := range gradOut[s*k.out : s*k.out+k.out] {
			row := g[o*k.in : o*k.in+k.in]
			for i, v := range xs {
				row[i] += d * v
			}
		}
	}
}

func dotRow(a, b []float64) float64 {
	s := 0.0
	for i, v := range a {
		s += v * b[i]
	}
	return s
}
