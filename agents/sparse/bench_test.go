package sparse

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/smgrnn/arena/agents/activation"
	"github.com/smgrnn/arena/agents/mlp"
)

// The benchmarks time one forward and backward pass at batch 128 (the
// classic-control protocol's minibatch) of a sparse network with the
// 64×64 MLP's widths at several densities, against the dense MLP
// (agents/mlp) of the same widths. Costs go with the kept connections.

var benchWidths = []int{4, 64, 64, 2}

const benchBatch = 128

func BenchmarkForwardBackward(b *testing.B) {
	for _, target := range []int{400, 1000, 4610} {
		b.Run(fmt.Sprintf("sparse/params=%d", target), func(b *testing.B) {
			rng := rand.New(rand.NewPCG(1, 1))
			var ls []layerState
			if target >= denseParams(benchWidths) {
				ls = denseLayers(benchWidths)
			} else {
				ls = emptyLayers(benchWidths)
				fit(ls, target, func(l, k int) int { return growRandom(&ls[l], k, rng) })
			}
			net := newNet(activation.Tanh, ls)
			for i := range net.params {
				net.params[i] = rng.NormFloat64() * 0.3
			}
			x := randSlice(rng, benchBatch*4, 1)
			g := randSlice(rng, benchBatch*2, 1)
			b.ResetTimer()
			for range b.N {
				net.Forward(x, benchBatch)
				net.Backward(g)
			}
			b.ReportMetric(float64(net.NumWeights()), "connections")
		})
	}
	b.Run("mlp/64x64", func(b *testing.B) {
		rng := rand.New(rand.NewPCG(1, 1))
		net, err := mlp.NewNetwork(benchWidths, activation.Tanh, rng)
		if err != nil {
			b.Fatal(err)
		}
		x := randSlice(rng, benchBatch*4, 1)
		g := randSlice(rng, benchBatch*2, 1)
		grads := make([]float64, net.NumParams())
		b.ResetTimer()
		for range b.N {
			net.Forward(x, benchBatch)
			net.Backward(g, grads)
		}
		b.ReportMetric(float64(net.NumWeights()), "connections")
	})
}

// BenchmarkDenseGrad is RigL's extra cost at an update step: the gradient
// of every position of the 64×64 layer.
func BenchmarkDenseGrad(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	ls := emptyLayers(benchWidths)
	fit(ls, 400, func(l, k int) int { return growRandom(&ls[l], k, rng) })
	net := newNet(activation.Tanh, ls)
	net.Forward(randSlice(rng, benchBatch*4, 1), benchBatch)
	net.Backward(randSlice(rng, benchBatch*2, 1))
	g := make([]float64, 64*64)
	b.ResetTimer()
	for range b.N {
		net.DenseGrad(1, g)
	}
}
