package spm

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/smgrnn/arena/agents/activation"
	"github.com/smgrnn/arena/agents/smgrnn/graph"
	"github.com/smgrnn/arena/framework"
)

func smallNet(t *testing.T, nIn, nOut, nHidden int, seed uint64) *graph.Net {
	t.Helper()
	g, err := graph.Initial(rand.New(rand.NewPCG(seed, 1)), nIn, nOut, nHidden, 1, activation.Tanh)
	if err != nil {
		t.Fatal(err)
	}
	net, _, err := graph.Compile(g)
	if err != nil {
		t.Fatal(err)
	}
	return net
}

func TestMonitorMatchesDirect(t *testing.T) {
	net := smallNet(t, 2, 1, 2, 1)
	const window = 7
	m, err := NewMonitor(window, net.NumEdges(), net.NumNodes())
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 3))
	var hist [][]float64
	var actHist [][]float64 // per step, per node: all batch values
	var w graph.Work
	const batch = 5
	for step := 0; step < 3*window+4; step++ {
		obs := make([]float64, batch*2)
		for i := range obs {
			obs[i] = rng.NormFloat64()
		}
		if err := net.Forward(obs, batch, &w); err != nil {
			t.Fatal(err)
		}
		dw := make([]float64, net.NumEdges())
		for i := range dw {
			dw[i] = 1e-3 * (rng.NormFloat64() + float64(i))
		}
		m.Observe(net, dw, &w)
		hist = append(hist, dw)
		actHist = append(actHist, append([]float64(nil), w.A...))
		lo := max(0, len(hist)-window)
		for e := range dw {
			s, q := 0.0, 0.0
			for _, h := range hist[lo:] {
				s += h[e]
				q += h[e] * h[e]
			}
			n := float64(len(hist) - lo)
			mean := s / n
			st := m.Edge(e)
			if st.N != len(hist)-lo || math.Abs(st.Mean-mean) > 1e-15 || math.Abs(st.Var-(q/n-mean*mean)) > 1e-15 {
				t.Fatalf("step %d edge %d: monitor %+v, direct mean %g", step, e, st, mean)
			}
		}
		for j := net.NIn; j < net.NumNodes()-net.NOut; j++ {
			s, q, n := 0.0, 0.0, 0.0
			for _, a := range actHist[lo:] {
				for _, v := range a[j*batch : (j+1)*batch] {
					s += v
					q += v * v
					n++
				}
			}
			st := m.Node(j)
			mean := s / n
			if math.Abs(st.Mean-mean) > 1e-12 || math.Abs(st.Var-(q/n-mean*mean)) > 1e-12 {
				t.Fatalf("step %d node %d: monitor %+v, direct mean %g var %g", step, j, st, mean, q/n-mean*mean)
			}
		}
	}
	if err := m.Check(net); err != nil {
		t.Fatal(err)
	}
}

func TestUnstable(t *testing.T) {
	const lr = 1e-3
	lambda := DefaultConfig().LambdaEdge * lr
	for _, tc := range []struct {
		name string
		dw   func(k int) float64
		want bool
	}{
		{"alternating", func(k int) float64 { return lr * float64(1-2*(k%2)) }, true},
		{"alternating with drift", func(k int) float64 { return lr*float64(1-2*(k%2)) + 0.05*lr }, true},
		{"steady", func(k int) float64 { return -lr }, false},
		{"steady with jitter", func(k int) float64 { return -lr + 0.1*lr*float64(1-2*(k%2)) }, false},
		{"idle", func(k int) float64 { return 0 }, false},
		{"tiny noise", func(k int) float64 { return 1e-15 * float64(1-2*(k%3%2)) }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			net := smallNet(t, 1, 1, 0, 1)
			window := 20
			m, _ := NewMonitor(window, 1, net.NumNodes())
			var w graph.Work
			for k := 0; k < 3*window+1; k++ {
				m.Observe(net, []float64{tc.dw(k)}, &w)
			}
			got, score := Unstable(m.Edge(0), lambda)
			if got != tc.want {
				t.Errorf("unstable = %v (stats %+v, score %g), want %v", got, m.Edge(0), score, tc.want)
			}
		})
	}
}

// feed runs n steps of the monitor on net with the given Δw per step and
// random observations.
func feed(t *testing.T, m *Monitor, net *graph.Net, n int, dw func(k int) []float64, rng *rand.Rand) {
	t.Helper()
	var w graph.Work
	const batch = 16
	obs := make([]float64, batch*net.NIn)
	for k := 0; k < n; k++ {
		for i := range obs {
			obs[i] = rng.NormFloat64()
		}
		if err := net.Forward(obs, batch, &w); err != nil {
			t.Fatal(err)
		}
		m.Observe(net, dw(k), &w)
	}
}

func outputs(t *testing.T, net *graph.Net, obs []float64, n int) []float64 {
	t.Helper()
	var w graph.Work
	if err := net.Forward(obs, n, &w); err != nil {
		t.Fatal(err)
	}
	raw := make([]float64, n*net.NOut)
	net.Outputs(&w, raw)
	return raw
}

func edit(t *testing.T, s Strategy, net *graph.Net, m *Monitor, step int64) (*graph.Net, []Event) {
	t.Helper()
	oldEdge, oldNode := map[int]Stats{}, map[int]Stats{}
	for i, id := range net.EdgeID {
		oldEdge[id] = m.Edge(i)
	}
	for j, id := range net.NodeID {
		oldNode[id] = m.Node(j)
	}
	g := net.Graph()
	c := NewContext(step, g, rand.New(rand.NewPCG(5, 5)), 1e-3, m)
	if err := s.Edit(c); err != nil {
		t.Fatal(err)
	}
	if err := g.Check(); err != nil {
		t.Fatal(err)
	}
	out, rm, err := graph.Compile(g)
	if err != nil {
		t.Fatal(err)
	}
	m.Remap(rm)
	if err := m.Check(out); err != nil {
		t.Fatal(err)
	}
	// Statistics follow their edge and node IDs; new ones start empty.
	for i, id := range out.EdgeID {
		want, ok := oldEdge[id]
		if !ok {
			want = Stats{}
		}
		if got := m.Edge(i); got != want {
			t.Fatalf("edge %d: statistics %+v after the edit, %+v before", id, got, want)
		}
	}
	for j, id := range out.NodeID {
		want, ok := oldNode[id]
		if !ok {
			want = Stats{}
		}
		if got := m.Node(j); got != want {
			t.Fatalf("node %d: statistics %+v after the edit, %+v before", id, got, want)
		}
	}
	return out, c.Events()
}

func TestInsertionKeepsOutputsClose(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Window, cfg.MaxInsert = 10, 3
	for _, relay := range []float64{0.01, 0.05, 0.2} {
		cfg.RelayInit = relay
		// No hidden neurons: every unstable edge ends at an output, so each
		// insertion adds relay·tanh(·), at most relay, to one output.
		net := smallNet(t, 3, 2, 0, 7)
		m, _ := NewMonitor(cfg.Window, net.NumEdges(), net.NumNodes())
		rng := rand.New(rand.NewPCG(1, 2))
		feed(t, m, net, cfg.Window, func(k int) []float64 {
			dw := make([]float64, net.NumEdges())
			for i := range dw {
				dw[i] = 1e-3*float64(1-2*(k%2))*float64(1+i) + 1e-5
			}
			return dw
		}, rng)
		const n = 500
		obs := make([]float64, n*3)
		for i := range obs {
			obs[i] = 3 * rng.NormFloat64()
		}
		before := outputs(t, net, obs, n)
		after, evs := edit(t, NewPaper("grow", cfg, true, false, false, false), net, m, 100)
		if len(evs) != cfg.MaxInsert || after.NumHidden() != cfg.MaxInsert {
			t.Fatalf("relay %g: %d events, %d hidden, want %d", relay, len(evs), after.NumHidden(), cfg.MaxInsert)
		}
		// The most unstable edges (largest σ²/|μ|, here the largest Δw)
		// come first.
		for k := 1; k < len(evs); k++ {
			if evs[k].Stats["score"] > evs[k-1].Stats["score"] {
				t.Errorf("insertions not in order of instability: %+v", evs)
			}
		}
		got := outputs(t, after, obs, n)
		worst := 0.0
		for i := range got {
			worst = math.Max(worst, math.Abs(got[i]-before[i]))
		}
		if bound := float64(cfg.MaxInsert) * relay; worst > bound || worst == 0 {
			t.Errorf("relay %g: outputs moved by up to %g, want (0, %g]", relay, worst, bound)
		}
	}
}

func TestDeadNeuronRemovalKeepsFunction(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Window, cfg.Maturity = 10, 0
	net := smallNet(t, 3, 2, 4, 11)
	// Silence the incoming weights of two hidden neurons: their activation
	// is the constant tanh(bias), which must be folded into their targets.
	g := net.Graph()
	var dead []int
	for _, nd := range g.Nodes() {
		if nd.Kind == graph.Hidden && len(dead) < 2 {
			dead = append(dead, nd.ID)
			g.Node(nd.ID).Bias = 0.7 - float64(len(dead))
			for _, id := range g.InEdges(nd.ID) {
				g.Edge(id).W = 0
			}
		}
	}
	net, _, err := graph.Compile(g)
	if err != nil {
		t.Fatal(err)
	}
	m, _ := NewMonitor(cfg.Window, net.NumEdges(), net.NumNodes())
	rng := rand.New(rand.NewPCG(1, 2))
	feed(t, m, net, cfg.Window, func(int) []float64 { return make([]float64, net.NumEdges()) }, rng)
	const n = 300
	obs := make([]float64, n*3)
	for i := range obs {
		obs[i] = 2 * rng.NormFloat64()
	}
	before := outputs(t, net, obs, n)
	after, evs := edit(t, NewPaper("dead", cfg, false, false, false, true), net, m, 50)
	removed := map[int]bool{}
	for _, e := range evs {
		if e.Kind == KindRemoveDead {
			removed[e.Nodes[0]] = true
		}
	}
	if len(removed) != 2 || !removed[dead[0]] || !removed[dead[1]] || after.NumHidden() != 2 {
		t.Fatalf("removed %v (events %+v), want %v", removed, evs, dead)
	}
	got := outputs(t, after, obs, n)
	for i := range got {
		if d := math.Abs(got[i] - before[i]); d > 1e-12 {
			t.Fatalf("output %d moved by %g", i, d)
		}
	}
}

func TestPruneKeepsOutputsFed(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Window, cfg.Maturity, cfg.TauW, cfg.PruneFraction = 5, 0, 10, 1
	net := smallNet(t, 2, 2, 3, 5)
	m, _ := NewMonitor(cfg.Window, net.NumEdges(), net.NumNodes())
	feed(t, m, net, cfg.Window, func(int) []float64 { return make([]float64, net.NumEdges()) }, rand.New(rand.NewPCG(1, 1)))
	// Every edge is a candidate; pruning must still leave each output fed
	// and no neuron stranded.
	after, evs := edit(t, NewPaper("prune", cfg, false, false, true, false), net, m, 10)
	if len(evs) == 0 {
		t.Fatal("nothing pruned")
	}
	if err := after.Check(); err != nil {
		t.Fatal(err)
	}
	if after.NumEdges() < after.NOut {
		t.Fatalf("%d edges left for %d outputs", after.NumEdges(), after.NOut)
	}
}

func TestExploreAddsAcyclicEdges(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Window, cfg.PRand, cfg.RhoRand = 5, 1, 0.5
	net := smallNet(t, 3, 2, 5, 5)
	m, _ := NewMonitor(cfg.Window, net.NumEdges(), net.NumNodes())
	after, evs := edit(t, NewPaper("explore", cfg, false, true, false, false), net, m, 10)
	if len(evs) == 0 || after.NumEdges() != net.NumEdges()+len(evs) {
		t.Fatalf("%d events, edges %d -> %d", len(evs), net.NumEdges(), after.NumEdges())
	}
	if err := after.Check(); err != nil {
		t.Fatal(err)
	}
}

func TestRegistry(t *testing.T) {
	for _, name := range []string{"paper", "grow-only", "no-growth", "static"} {
		s, err := New(name, framework.Params{"window": int64(7)})
		if err != nil {
			t.Fatal(err)
		}
		w, p := s.Schedule()
		if s.Name() != name || w != 7 || (p == 0) != (name == "static") {
			t.Errorf("%s: name %q schedule %d %d", name, s.Name(), w, p)
		}
	}
	if _, err := New("nope", nil); err == nil {
		t.Error("unknown strategy accepted")
	}
	if _, err := New("paper", framework.Params{"tau_act": -1.0}); err == nil {
		t.Error("negative tau_act accepted")
	}
}
