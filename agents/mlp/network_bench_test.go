package mlp

import (
	"math/rand/v2"
	"testing"

	"github.com/smgrnn/arena/agents/activation"
)

// benchShapes are CartPole-shaped networks (4 inputs, 2 outputs) of about
// 100, 1,000 and 5,000 parameters, for comparison with SMGrNN at equal
// parameter counts.
var benchShapes = []struct {
	name  string
	sizes []int
}{
	{"Params100", []int{4, 14, 2}},            // 100 params, 84 weights
	{"Params1000", []int{4, 28, 28, 2}},       // 1,010 params, 952 weights
	{"Params5000", []int{4, 70, 64, 2}},       // 5,024 params, 4,888 weights
	{"Params4610_64x64", []int{4, 64, 64, 2}}, // the default student
}

// BenchmarkForwardBackward measures one forward and backward pass over a
// minibatch of 256, reported per sample and per sample-weight.
func BenchmarkForwardBackward(b *testing.B) {
	const batch = 256
	for _, bs := range benchShapes {
		b.Run(bs.name, func(b *testing.B) {
			rng := rand.New(rand.NewPCG(1, 2))
			net, err := NewNetwork(bs.sizes, activation.Tanh, rng)
			if err != nil {
				b.Fatal(err)
			}
			x := randSlice(rng, batch*bs.sizes[0], 1)
			gout := randSlice(rng, batch*bs.sizes[len(bs.sizes)-1], 1)
			grads := make([]float64, net.NumParams())
			for b.Loop() {
				net.Forward(x, batch)
				net.Backward(gout, grads)
			}
			perSample := float64(b.Elapsed().Nanoseconds()) / float64(b.N) / batch
			b.ReportMetric(perSample, "ns/sample")
			b.ReportMetric(perSample/float64(net.NumWeights()), "ns/weight")
			b.ReportMetric(float64(net.NumParams()), "params")
		})
	}
}
