package graph

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/smgrnn/arena/agents/activation"
)

// randomGraph builds an initial topology and then adds random acyclic
// hidden-to-hidden and skip edges, so gradient checks cover deep, irregular
// graphs and not only the two-layer starting shape.
func randomGraph(t testing.TB, rng *rand.Rand, nIn, nOut, nHidden, extra int, act activation.Activation) *Graph {
	t.Helper()
	g, err := Initial(rng, nIn, nOut, nHidden, 0.6, act)
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]int, 0, len(g.Nodes()))
	for _, n := range g.Nodes() {
		ids = append(ids, n.ID)
	}
	for added, tries := 0, 0; added < extra && tries < 50*extra; tries++ {
		s, d := ids[rng.IntN(len(ids))], ids[rng.IntN(len(ids))]
		if _, err := g.AddEdge(s, d, rng.NormFloat64(), 0); err == nil {
			added++
		}
	}
	for i := range g.nodes {
		if g.nodes[i].Kind != Input {
			g.nodes[i].Bias = 0.3 * rng.NormFloat64()
		}
	}
	if err := g.Check(); err != nil {
		t.Fatal(err)
	}
	return g
}

// testLoss is L = Σ c·raw + ½ Σ raw², whose gradient is c + raw.
func testLoss(net *Net, w *Work, obs []float64, n int, c []float64) float64 {
	if err := net.Forward(obs, n, w); err != nil {
		panic(err)
	}
	raw := make([]float64, n*net.NOut)
	net.Outputs(w, raw)
	l := 0.0
	for i, r := range raw {
		l += c[i]*r + 0.5*r*r
	}
	return l
}

func TestGradientFiniteDifference(t *testing.T) {
	for _, tc := range []struct {
		name                         string
		act                          activation.Activation
		nIn, nOut, nHidden, extra, n int
	}{
		{"tanh small", activation.Tanh, 3, 2, 3, 4, 5},
		{"tanh deep", activation.Tanh, 4, 3, 8, 25, 9},
		{"sigmoid", activation.Sigmoid, 2, 1, 5, 10, 7},
		{"relu", activation.ReLU, 5, 2, 6, 12, 6},
		{"no hidden", activation.Tanh, 4, 2, 0, 0, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for seed := uint64(1); seed <= 5; seed++ {
				rng := rand.New(rand.NewPCG(seed, 7))
				g := randomGraph(t, rng, tc.nIn, tc.nOut, tc.nHidden, tc.extra, tc.act)
				net, _, err := Compile(g)
				if err != nil {
					t.Fatal(err)
				}
				obs := make([]float64, tc.n*tc.nIn)
				for i := range obs {
					obs[i] = rng.NormFloat64()
				}
				c := make([]float64, tc.n*tc.nOut)
				for i := range c {
					c[i] = rng.NormFloat64()
				}
				var w Work
				testLoss(net, &w, obs, tc.n, c)
				raw := make([]float64, tc.n*tc.nOut)
				net.Outputs(&w, raw)
				draw := make([]float64, len(raw))
				for i := range raw {
					draw[i] = c[i] + raw[i]
				}
				grad := make([]float64, len(net.P))
				net.Backward(&w, draw, grad)
				const h = 1e-6
				for i := range net.P {
					p0 := net.P[i]
					net.P[i] = p0 + h
					lp := testLoss(net, &w, obs, tc.n, c)
					net.P[i] = p0 - h
					lm := testLoss(net, &w, obs, tc.n, c)
					net.P[i] = p0
					fd := (lp - lm) / (2 * h)
					rel := math.Abs(fd-grad[i]) / math.Max(1e-3, math.Abs(fd)+math.Abs(grad[i]))
					if rel > 1e-6 {
						t.Errorf("seed %d param %d of %d: backprop %.10g, finite difference %.10g (rel %.2g)", seed, i, len(net.P), grad[i], fd, rel)
					}
				}
			}
		})
	}
}

// TestRandomEdits applies long random sequences of structural edits and
// checks after each that the graph and its compiled plan keep every
// invariant and that per-slot state follows its edge through the rebuild.
func TestRandomEdits(t *testing.T) {
	for seed := uint64(1); seed <= 20; seed++ {
		rng := rand.New(rand.NewPCG(seed, 99))
		g := randomGraph(t, rng, 3, 2, 3, 3, activation.Tanh)
		net, _, err := Compile(g)
		if err != nil {
			t.Fatal(err)
		}
		for i := range net.M {
			net.M[i] = float64(i) + 0.5 // distinct values to follow
		}
		for step := 0; step < 60; step++ {
			old := net
			g := old.Graph()
			randomEdit(rng, g, int64(step))
			if err := g.Check(); err != nil {
				t.Fatalf("seed %d step %d: %v", seed, step, err)
			}
			var rm Remap
			net, rm, err = Compile(g)
			if err != nil {
				t.Fatalf("seed %d step %d: %v", seed, step, err)
			}
			if err := net.Check(); err != nil {
				t.Fatalf("seed %d step %d: %v", seed, step, err)
			}
			for s, from := range rm.EdgeFrom {
				if from < 0 {
					if net.M[s] != 0 || net.V[s] != 0 {
						t.Fatalf("seed %d step %d: new edge %d starts with moments %v %v", seed, step, net.EdgeID[s], net.M[s], net.V[s])
					}
					net.M[s] = float64(1000*step + s)
					continue
				}
				if old.EdgeID[from] != net.EdgeID[s] || old.M[from] != net.M[s] || old.P[from] != net.P[s] {
					t.Fatalf("seed %d step %d: slot %d (edge %d) state came from edge %d", seed, step, s, net.EdgeID[s], old.EdgeID[from])
				}
			}
			for s, from := range rm.NodeFrom {
				if from >= 0 && old.NodeID[from] != net.NodeID[s] {
					t.Fatalf("seed %d step %d: node slot %d mapped from the wrong node", seed, step, s)
				}
			}
		}
		if net.NumHidden() == 0 && net.NumEdges() == 0 {
			t.Fatalf("seed %d: edits emptied the network", seed)
		}
	}
}

// randomEdit applies one random edit and restores the stranding invariant.
func randomEdit(rng *rand.Rand, g *Graph, born int64) {
	randomEditOp(rng, g, rng.IntN(4), born)
}

// randomEditOp applies edit op (0 split, 1 add edge, 2 remove edge, 3
// remove neuron) at a random place.
func randomEditOp(rng *rand.Rand, g *Graph, op int, born int64) {
	switch op {
	case 0: // split an edge with a new neuron
		es := g.Edges()
		e := es[rng.IntN(len(es))]
		h := g.AddHidden(0, born)
		if _, err := g.AddEdge(e.Src, h, 0.1, born); err != nil {
			panic(err)
		}
		if _, err := g.AddEdge(h, e.Dst, 0.1, born); err != nil {
			panic(err)
		}
	case 1: // random edge
		nodes := g.Nodes()
		s, d := nodes[rng.IntN(len(nodes))].ID, nodes[rng.IntN(len(nodes))].ID
		if _, err := g.AddEdge(s, d, 0.01, born); err != nil && !errors.Is(err, ErrCycle) && !errors.Is(err, ErrDuplicate) {
			if sn, dn := g.Node(s), g.Node(d); sn.Kind != Output && dn.Kind != Input {
				panic(err)
			}
		}
	case 2: // remove an edge unless it feeds an output alone
		es := g.Edges()
		e := es[rng.IntN(len(es))]
		trial := g.Clone()
		_ = trial.RemoveEdge(e.ID)
		trial.RemoveStranded()
		if trial.OutputsFed() {
			*g = *trial
		}
	case 3: // remove a hidden node, folding a constant
		var hs []int
		for _, n := range g.Nodes() {
			if n.Kind == Hidden {
				hs = append(hs, n.ID)
			}
		}
		if len(hs) == 0 {
			return
		}
		trial := g.Clone()
		_ = trial.RemoveNode(hs[rng.IntN(len(hs))], 0.25)
		trial.RemoveStranded()
		if trial.OutputsFed() {
			*g = *trial
		}
	}
}

// FuzzEdits drives random edit sequences from fuzzer bytes; every
// intermediate graph must pass Check and compile to a plan that passes
// Net.Check. `go test -fuzz FuzzEdits ./agents/smgrnn/graph` explores
// further; plain `go test` runs the seeds.
func FuzzEdits(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 0, 0, 1, 1, 2, 3, 3})
	f.Add([]byte{1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2})
	f.Add([]byte{0, 0, 0, 0, 3, 3, 3, 3, 2, 2, 1, 0})
	f.Fuzz(func(t *testing.T, ops []byte) {
		if len(ops) > 200 {
			ops = ops[:200]
		}
		rng := rand.New(rand.NewPCG(uint64(len(ops)), 1))
		g, err := Initial(rng, 3, 2, 2, 0.7, activation.Tanh)
		if err != nil {
			t.Fatal(err)
		}
		for i, op := range ops {
			randomEditOp(rand.New(rand.NewPCG(uint64(op), uint64(i))), g, int(op)%4, int64(i))
			if err := g.Check(); err != nil {
				t.Fatalf("op %d: %v", i, err)
			}
			net, _, err := Compile(g)
			if err != nil {
				t.Fatalf("op %d: %v", i, err)
			}
			if err := net.Check(); err != nil {
				t.Fatalf("op %d: %v", i, err)
			}
			g = net.Graph()
		}
	})
}
