package smgrnn

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/smgrnn/arena/agents/smgrnn/spm"
	"github.com/smgrnn/arena/framework"
)

// TestEditsKeepStateAligned trains with frequent edits and, around extra
// edits triggered by hand, checks that every surviving edge and bias keeps
// its weight and Adam moments and every statistic follows its ID, that new
// edges start with fresh moments, and that the plan and the SPM stay
// consistent with the graph after every step.
func TestEditsKeepStateAligned(t *testing.T) {
	type state struct{ p, m, v float64 }
	for seed := uint64(1); seed <= 3; seed++ {
		s := newStudent(t, boxTask, seed, fastParams("paper"))
		rng := rand.New(rand.NewPCG(seed, 3))
		edits := 0
		for i := 0; i < 800; i++ {
			if _, err := s.Train(boxTask.batch(rng, 16)); err != nil {
				t.Fatal(err)
			}
			if err := s.net.Check(); err != nil {
				t.Fatalf("seed %d step %d: %v", seed, s.step, err)
			}
			if err := s.mon.Check(s.net); err != nil {
				t.Fatalf("seed %d step %d: %v", seed, s.step, err)
			}
			if i%7 != 3 {
				continue
			}
			net := s.net
			edges := map[int]state{}
			estats := map[int]spm.Stats{}
			for e, id := range net.EdgeID {
				edges[id] = state{net.P[e], net.M[e], net.V[e]}
				estats[id] = s.mon.Edge(e)
			}
			biases := map[int]state{}
			for j := net.NIn; j < net.NumNodes(); j++ {
				b := net.BiasIndex(j)
				biases[net.NodeID[j]] = state{net.P[b], net.M[b], net.V[b]}
			}
			nev := len(s.events)
			if err := s.edit(); err != nil {
				t.Fatal(err)
			}
			if len(s.events) == nev {
				continue
			}
			edits++
			// Removing a neuron folds its constant into its targets' biases,
			// so only their moments must survive such an edit.
			folded := false
			for _, ev := range s.events[nev:] {
				folded = folded || ev.Kind == spm.KindRemoveDead || ev.Kind == spm.KindRemoveStranded
			}
			net = s.net
			for e, id := range net.EdgeID {
				old, ok := edges[id]
				switch {
				case !ok && (net.M[e] != 0 || net.V[e] != 0 || s.mon.Edge(e).N != 0):
					t.Fatalf("new edge %d starts with moments %v %v and %d observations", id, net.M[e], net.V[e], s.mon.Edge(e).N)
				case ok && (old != state{net.P[e], net.M[e], net.V[e]} || estats[id] != s.mon.Edge(e)):
					t.Fatalf("edge %d lost its state in the edit", id)
				}
			}
			for j := net.NIn; j < net.NumNodes(); j++ {
				b := net.BiasIndex(j)
				old, ok := biases[net.NodeID[j]]
				if ok && !folded && old != (state{net.P[b], net.M[b], net.V[b]}) {
					t.Fatalf("node %d lost its bias state in the edit", net.NodeID[j])
				}
				if ok && (old.m != net.M[b] || old.v != net.V[b]) {
					t.Fatalf("node %d lost its bias moments in the edit", net.NodeID[j])
				}
			}
		}
		if edits == 0 {
			t.Fatalf("seed %d: no edit happened", seed)
		}
	}
}

func TestExports(t *testing.T) {
	s := newStudent(t, discreteTask, 1, fastParams("paper"))
	rng := rand.New(rand.NewPCG(1, 1))
	for i := 0; i < 300; i++ {
		if _, err := s.Train(discreteTask.batch(rng, 16)); err != nil {
			t.Fatal(err)
		}
	}
	var dot bytes.Buffer
	if err := s.DOT(&dot); err != nil {
		t.Fatal(err)
	}
	d := dot.String()
	if !strings.HasPrefix(d, "digraph smgrnn {") || strings.Count(d, " -> ") != s.Size().Edges || !strings.HasSuffix(d, "}\n") {
		t.Errorf("DOT does not show the %d edges:\n%s", s.Size().Edges, d)
	}
	var js bytes.Buffer
	if err := s.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	var x Export
	if err := json.Unmarshal(js.Bytes(), &x); err != nil {
		t.Fatal(err)
	}
	size := s.Size()
	if len(x.Edges) != size.Edges || len(x.Nodes) != size.Hidden+3+3 || x.Params != size.Params {
		t.Errorf("JSON has %d edges, %d nodes, %d params; size %+v", len(x.Edges), len(x.Nodes), x.Params, size)
	}
	counts := s.StructureEvents()
	total := 0
	for k, n := range counts {
		if x.Counts[k] != n {
			t.Errorf("JSON count %s = %d, want %d", k, x.Counts[k], n)
		}
		total += n
	}
	if total == 0 || len(x.Events) != total {
		t.Errorf("%d events exported, counts total %d", len(x.Events), total)
	}
	for _, ev := range x.Events {
		if ev.Step <= 0 || ev.Step > s.Steps() || ev.Kind == "" {
			t.Errorf("bad event %+v", ev)
		}
	}
}

func TestTrainRejectsBadInput(t *testing.T) {
	s := newStudent(t, discreteTask, 1, nil)
	good := discreteTask.batch(rand.New(rand.NewPCG(1, 1)), 4)
	bad := []func(b *framework.Batch){
		func(b *framework.Batch) { b.N = 0 },
		func(b *framework.Batch) { b.Obs = b.Obs[:5] },
		func(b *framework.Batch) { b.Obs[2] = nanValue() },
		func(b *framework.Batch) { b.Labels.Actions[0] = 7 },
		func(b *framework.Batch) { b.Labels.Actions = nil },
	}
	for i, f := range bad {
		b := good
		b.Obs = append([]float64(nil), good.Obs...)
		b.Labels.Actions = append([]float64(nil), good.Labels.Actions...)
		f(&b)
		if _, err := s.Train(b); err == nil {
			t.Errorf("case %d: bad batch accepted", i)
		}
	}
	if err := s.Act(good.Obs, 4, make([]float64, 2)); err == nil {
		t.Error("short action buffer accepted")
	}
	if s.Steps() != 0 {
		t.Errorf("rejected batches took %d steps", s.Steps())
	}
}

func nanValue() float64 { return math.NaN() }
