package smgrnn

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/smgrnn/arena/agents/activation"
	"github.com/smgrnn/arena/agents/smgrnn/graph"
	"github.com/smgrnn/arena/agents/smgrnn/spm"
	"github.com/smgrnn/arena/framework"
)

// benchNets are CartPole-shaped (4 inputs, 2 outputs) random DAGs of about
// 100, 1,000 and 5,000 parameters, named like agents/mlp's benchmarks so
// ns/edge here compares with ns/weight there.
var benchNets = []struct {
	name           string
	hidden, params int
}{
	{"Params100", 10, 100},
	{"Params1000", 40, 1000},
	{"Params5000", 100, 5000},
}

// benchGraph builds a random DAG with the given hidden count and about
// params parameters: the initial topology plus random forward edges
// (hidden nodes in ID order), so the graph is deep and irregular.
func benchGraph(tb testing.TB, hidden, params int) *graph.Graph {
	tb.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	g, err := graph.Initial(rng, 4, 2, hidden, 0.3, activation.Tanh)
	if err != nil {
		tb.Fatal(err)
	}
	nodes := g.Nodes()
	ids := make([]int, len(nodes))
	for i := range nodes {
		ids[i] = nodes[i].ID
	}
	for tries := 0; g.NumEdges()+hidden+2 < params && tries < 100*params; tries++ {
		s, d := ids[rng.IntN(len(ids))], ids[rng.IntN(len(ids))]
		sn, dn := g.Node(s), g.Node(d)
		if sn.Kind == graph.Hidden && dn.Kind == graph.Hidden && s >= d {
			s, d = d, s
		}
		_, _ = g.AddEdge(s, d, 0.3*rng.NormFloat64(), 0)
	}
	return g
}

// benchStudent is a student of the given strategy on a benchmark graph.
func benchStudent(tb testing.TB, strategy string, hidden, params int) *Student {
	tb.Helper()
	s, err := New(framework.StudentConfig{
		ObservationSpace: framework.NewBox([]float64{-5, -5, -5, -5}, []float64{5, 5, 5, 5}),
		ActionSpace:      &framework.Discrete{N: 2}, Seed: 1, Adam: framework.DefaultAdam(),
		Params: framework.Params{"strategy": strategy}})
	if err != nil {
		tb.Fatal(err)
	}
	net, _, err := graph.Compile(benchGraph(tb, hidden, params))
	if err != nil {
		tb.Fatal(err)
	}
	s.net = net
	if s.mon != nil {
		s.mon, _ = spm.NewMonitor(s.window, net.NumEdges(), net.NumNodes())
	}
	return s
}

func benchBatch(n int) framework.Batch {
	rng := rand.New(rand.NewPCG(3, 4))
	b := framework.Batch{Obs: make([]float64, 4*n), N: n, Labels: framework.Labels{Actions: make([]float64, n)}}
	for i := range b.Obs {
		b.Obs[i] = rng.NormFloat64()
	}
	for i := range b.Labels.Actions {
		b.Labels.Actions[i] = float64(rng.IntN(2))
	}
	return b
}

// BenchmarkForwardBackward measures one forward and backward pass over a
// minibatch of 256, reported per sample and per sample-edge.
func BenchmarkForwardBackward(b *testing.B) {
	const batch = 256
	for _, bn := range benchNets {
		b.Run(bn.name, func(b *testing.B) {
			net, _, err := graph.Compile(benchGraph(b, bn.hidden, bn.params))
			if err != nil {
				b.Fatal(err)
			}
			x := benchBatch(batch).Obs
			gout := make([]float64, batch*net.NOut)
			for i := range gout {
				gout[i] = float64(i%7) - 3
			}
			grad := make([]float64, net.NumParams())
			var w graph.Work
			for b.Loop() {
				_ = net.Forward(x, batch, &w)
				net.Backward(&w, gout, grad)
			}
			perSample := float64(b.Elapsed().Nanoseconds()) / float64(b.N) / batch
			b.ReportMetric(perSample, "ns/sample")
			b.ReportMetric(perSample/float64(net.NumEdges()), "ns/edge")
			b.ReportMetric(float64(net.NumParams()), "params")
		})
	}
}

// BenchmarkTrain measures a whole training step (forward, loss, backward,
// Adam, SPM bookkeeping, amortised edits) at minibatch 256 for each
// strategy; compare paper with static for the SPM's share.
func BenchmarkTrain(b *testing.B) {
	batch := benchBatch(256)
	for _, bn := range benchNets {
		for _, strategy := range []string{"static", "paper"} {
			b.Run(bn.name+"/"+strategy, func(b *testing.B) {
				s := benchStudent(b, strategy, bn.hidden, bn.params)
				for b.Loop() {
					if _, err := s.Train(batch); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(s.Size().Params), "params")
			})
		}
	}
}

// BenchmarkSPMBookkeeping measures the SPM's per-step work (taking Δw and
// updating every edge's and neuron's window) and reports it as a fraction
// of a training step without an SPM on the same network, measured first.
// Edits are excluded here (see BenchmarkSPMEdit).
func BenchmarkSPMBookkeeping(b *testing.B) {
	batch := benchBatch(256)
	for _, bn := range benchNets {
		b.Run(bn.name, func(b *testing.B) {
			st := benchStudent(b, "static", bn.hidden, bn.params)
			const reps = 30
			start := time.Now()
			for i := 0; i < reps; i++ {
				_, _ = st.Train(batch)
			}
			stepNs := float64(time.Since(start).Nanoseconds()) / reps

			s := benchStudent(b, "paper", bn.hidden, bn.params)
			_ = s.net.Forward(batch.Obs, batch.N, &s.work)
			w := s.net.Weights()
			prev := make([]float64, len(w))
			for b.Loop() {
				copy(prev, w)
				for i, x := range w {
					prev[i] = x - prev[i]
				}
				s.mon.Observe(s.net, prev, &s.work)
			}
			ns := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
			b.ReportMetric(ns/stepNs, "frac_of_step")
			b.ReportMetric(stepNs, "step_ns")
		})
	}
}

// BenchmarkSPMEdit measures one call of the paper strategy on full windows
// (copy to a graph, edit, compile, remap); divided by the period (200 by
// default) it is the amortised per-step cost.
func BenchmarkSPMEdit(b *testing.B) {
	batch := benchBatch(256)
	for _, bn := range benchNets {
		b.Run(bn.name, func(b *testing.B) {
			s := benchStudent(b, "paper", bn.hidden, bn.params)
			for i := 0; i < s.window; i++ {
				_, _ = s.Train(batch)
			}
			net, mon, step := s.net, s.mon, s.step
			for b.Loop() {
				// Edit from the same state each time, so every iteration
				// does the same work.
				cp := *mon
				s.net, s.mon, s.step = net, &cp, step
				if err := s.edit(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(s.period), "ns/step_amortised")
		})
	}
}
