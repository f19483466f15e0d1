package graph

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/smgrnn/arena/agents/activation"
)

// Initial builds SMGrNN's starting topology: every input wired to every
// output, plus nHidden hidden neurons, each fed by every input with
// probability density and feeding every output with probability density
// (at least one of each, so no neuron starts stranded). Weights are drawn
// uniformly from ±1/√fan-in of their destination, the usual scaling that
// keeps pre-activations of order one; biases start at zero.
func Initial(rng *rand.Rand, nIn, nOut, nHidden int, density float64, act activation.Activation) (*Graph, error) {
	if nHidden < 0 {
		return nil, fmt.Errorf("graph: negative hidden count %d", nHidden)
	}
	if !(density >= 0 && density <= 1) {
		return nil, fmt.Errorf("graph: density must be in [0, 1], got %v", density)
	}
	g, err := New(nIn, nOut, act)
	if err != nil {
		return nil, err
	}
	type pair struct{ s, d int }
	var pairs []pair
	for i := 0; i < nIn; i++ {
		for k := 0; k < nOut; k++ {
			pairs = append(pairs, pair{i, nIn + k})
		}
	}
	for h := 0; h < nHidden; h++ {
		id := g.AddHidden(0, 0)
		var ins, outs []int
		for i := 0; i < nIn; i++ {
			if rng.Float64() < density {
				ins = append(ins, i)
			}
		}
		if len(ins) == 0 {
			ins = append(ins, rng.IntN(nIn))
		}
		for k := 0; k < nOut; k++ {
			if rng.Float64() < density {
				outs = append(outs, nIn+k)
			}
		}
		if len(outs) == 0 {
			outs = append(outs, nIn+rng.IntN(nOut))
		}
		for _, i := range ins {
			pairs = append(pairs, pair{i, id})
		}
		for _, o := range outs {
			pairs = append(pairs, pair{id, o})
		}
	}
	fanIn := map[int]int{}
	for _, p := range pairs {
		fanIn[p.d]++
	}
	for _, p := range pairs {
		bound := 1 / math.Sqrt(float64(fanIn[p.d]))
		if _, err := g.AddEdge(p.s, p.d, bound*(2*rng.Float64()-1), 0); err != nil {
			return nil, fmt.Errorf("graph: initial topology: %w", err)
		}
	}
	return g, nil
}
