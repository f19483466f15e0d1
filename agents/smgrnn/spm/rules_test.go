package spm

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/smgrnn/arena/agents/activation"
	"github.com/smgrnn/arena/agents/smgrnn/graph"
	"github.com/smgrnn/arena/framework"
)

// The tests in this file pin each rule of the paper's strategy on small
// constructed networks whose statistics are set by hand, so a change of a
// constant or a condition in a rule fails a test that names the rule.

// lr is the learning rate edit passes to the strategies.
const lr = 1e-3

// constructed compiles an Initial network after setting every edge weight
// with weight(edge) and every hidden bias with bias(node).
func constructed(t *testing.T, nIn, nOut, nHidden int, weight func(e graph.Edge) float64, bias func(n graph.Node) float64) *graph.Net {
	t.Helper()
	g, err := graph.Initial(rand.New(rand.NewPCG(2, 3)), nIn, nOut, nHidden, 1, activation.Tanh)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range g.Edges() {
		g.Edge(e.ID).W = weight(e)
	}
	for _, n := range g.Nodes() {
		if n.Kind == graph.Hidden && bias != nil {
			g.Node(n.ID).Bias = bias(n)
		}
	}
	net, _, err := graph.Compile(g)
	if err != nil {
		t.Fatal(err)
	}
	return net
}

// observed returns a monitor that has seen one full window of per-edge
// signals dw(edge ID, step).
func observed(t *testing.T, net *graph.Net, window int, dw func(id, k int) float64) *Monitor {
	t.Helper()
	m, err := NewMonitor(window, net.NumEdges(), net.NumNodes())
	if err != nil {
		t.Fatal(err)
	}
	feed(t, m, net, window, func(k int) []float64 {
		v := make([]float64, net.NumEdges())
		for i, id := range net.EdgeID {
			v[i] = dw(id, k)
		}
		return v
	}, rand.New(rand.NewPCG(4, 4)))
	return m
}

func kinds(evs []Event, kind string) []Event {
	var out []Event
	for _, e := range evs {
		if e.Kind == kind {
			out = append(out, e)
		}
	}
	return out
}

// TestUnstableRule pins both halves of the instability test: |μ| < ½σ and
// σ² > λ|μ|, on either side of each boundary and for either sign of μ.
func TestUnstableRule(t *testing.T) {
	const lambda = 1e-3
	const sigma = 1e-2 // σ² = 1e-4, far above λ|μ| for the ½σ cases
	for _, tc := range []struct {
		name     string
		mean, sd float64
		want     bool
	}{
		{"mean 0.49σ", 0.49 * sigma, sigma, true},
		{"mean -0.49σ", -0.49 * sigma, sigma, true},
		{"mean 0.51σ", 0.51 * sigma, sigma, false},
		{"mean -0.51σ", -0.51 * sigma, sigma, false},
		{"mean 0.9σ", 0.9 * sigma, sigma, false},
		// σ = 1e-4, μ = 1e-5 (< ½σ): σ² = 1e-8 against λ|μ| = 1e-8·k.
		{"σ² just above λ|μ|", 0.99e-5, 1e-4, true},
		{"σ² just below λ|μ|", 1.01e-5, 1e-4, false},
		{"mean 0", 0, 1e-6, true},
		{"no spread", 0, 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, score := Unstable(Stats{Mean: tc.mean, Var: tc.sd * tc.sd, N: 10}, lambda)
			if got != tc.want {
				t.Errorf("Unstable(mean %g, sd %g) = %v, want %v", tc.mean, tc.sd, got, tc.want)
			}
			if got && tc.mean != 0 && math.Abs(score-tc.sd*tc.sd/math.Abs(tc.mean)) > 1e-12*score {
				t.Errorf("score %g, want σ²/|μ| = %g", score, tc.sd*tc.sd/math.Abs(tc.mean))
			}
		})
	}
}

// pruneConfig makes every step but pruning irrelevant: a short window,
// every candidate removed unless a test says otherwise.
func pruneConfig() Config {
	cfg := DefaultConfig()
	cfg.Window, cfg.Maturity, cfg.PruneFraction = 5, 0, 1
	return cfg
}

// TestPruneCandidates pins the candidate test of pruning: |w| ≤ τ_w and
// |mean Δw| ≤ τ_Δ·lr, each on either side of its boundary. Inputs feed
// outputs only, and every output keeps edges that are not candidates, so
// the last-feed guard never decides.
func TestPruneCandidates(t *testing.T) {
	cfg := pruneConfig()
	tauD := cfg.TauDelta * lr
	// Edge IDs cycle through four classes.
	type class struct {
		w, mean float64
		pruned  bool
	}
	classes := []class{
		{0.9 * cfg.TauW, 0.9 * tauD, true},
		{-cfg.TauW, -0.99 * tauD, true},
		{1.1 * cfg.TauW, 0, false},          // too large a weight
		{0.5 * cfg.TauW, 1.1 * tauD, false}, // still moving
	}
	net := constructed(t, 8, 2, 0, func(e graph.Edge) float64 { return classes[e.ID%4].w }, nil)
	m := observed(t, net, cfg.Window, func(id, k int) float64 { return classes[id%4].mean })
	_, evs := edit(t, NewPaper("prune", cfg, false, false, true, false), net, m, 10)
	got := map[int]bool{}
	for _, e := range kinds(evs, KindPruneEdge) {
		got[e.Edges[0]] = true
	}
	for _, id := range net.EdgeID {
		if want := classes[id%4].pruned; got[id] != want {
			t.Errorf("edge %d (w %g, mean Δw %g): pruned %v, want %v", id, classes[id%4].w, classes[id%4].mean, got[id], want)
		}
	}
}

// TestPruneMaturity: an edge younger than maturity steps is never pruned,
// and one exactly maturity steps old is.
func TestPruneMaturity(t *testing.T) {
	cfg := pruneConfig()
	cfg.Maturity = 50
	net := constructed(t, 4, 2, 0, func(graph.Edge) float64 { return 0 }, nil) // every edge a candidate, born at 0
	for _, tc := range []struct {
		step int64
		want int
	}{{49, 0}, {50, 6}, {500, 6}} { // 8 edges, each output keeps its last
		m := observed(t, net, cfg.Window, func(int, int) float64 { return 0 })
		_, evs := edit(t, NewPaper("prune", cfg, false, false, true, false), net, m, tc.step)
		if n := len(kinds(evs, KindPruneEdge)); n != tc.want {
			t.Errorf("step %d, maturity %d: %d edges pruned, want %d", tc.step, cfg.Maturity, n, tc.want)
		}
	}
}

// TestPruneFraction: each period removes ⌊f·c⌋ of the c candidates, plus
// one with probability equal to the remainder.
func TestPruneFraction(t *testing.T) {
	// 10 inputs × 2 outputs: 20 candidates, 10 per output, so the
	// last-feed guard cannot bind below 10 removals.
	net := constructed(t, 10, 2, 0, func(graph.Edge) float64 { return 0 }, nil)
	for _, tc := range []struct {
		f        float64
		min, max int
	}{{0, 0, 0}, {0.2, 4, 4}, {0.25, 5, 5}, {0.4, 8, 8}, {0.125, 2, 3}} {
		cfg := pruneConfig()
		cfg.PruneFraction = tc.f
		m := observed(t, net, cfg.Window, func(int, int) float64 { return 0 })
		_, evs := edit(t, NewPaper("prune", cfg, false, false, true, false), net, m, 10)
		if n := len(kinds(evs, KindPruneEdge)); n < tc.min || n > tc.max {
			t.Errorf("prune_fraction %g of 20 candidates: %d pruned, want %d..%d", tc.f, n, tc.min, tc.max)
		}
	}
	// The remainder is a probability: over many periods 0.125·20 = 2.5
	// averages 2.5.
	cfg := pruneConfig()
	cfg.PruneFraction = 0.125
	m := observed(t, net, cfg.Window, func(int, int) float64 { return 0 })
	total := 0
	const trials = 400
	rng := rand.New(rand.NewPCG(8, 8))
	for i := 0; i < trials; i++ {
		c := NewContext(10, net.Graph(), rng, lr, m)
		if err := NewPaper("prune", cfg, false, false, true, false).Edit(c); err != nil {
			t.Fatal(err)
		}
		total += len(kinds(c.Events(), KindPruneEdge))
	}
	if mean := float64(total) / trials; math.Abs(mean-2.5) > 0.1 {
		t.Errorf("prune_fraction 0.125 of 20: %.3f pruned per period on average, want 2.5", mean)
	}
}

// TestExploreCount: exploratory growth adds exactly ⌈ρ·N⌉ edges when there
// is room, none when p_rand is 0, and stops at max_edges.
func TestExploreCount(t *testing.T) {
	// 3 inputs, 2 outputs, 6 hidden: 3·6 + 6·2 + 3·2 = 36 edges, and the
	// 15 hidden→hidden pairs leave room.
	net := constructed(t, 3, 2, 6, func(graph.Edge) float64 { return 0.5 }, nil)
	n := net.NumEdges()
	for _, tc := range []struct {
		rho, p   float64
		maxEdges int
		want     int
	}{
		{0.05, 1, 1000, int(math.Ceil(0.05 * float64(n)))}, // 2
		{0.1, 1, 1000, int(math.Ceil(0.1 * float64(n)))},   // 4
		{0.2, 1, 1000, int(math.Ceil(0.2 * float64(n)))},   // 8
		{0.1, 0, 1000, 0},
		{0.1, 1, n + 1, 1},
	} {
		cfg := DefaultConfig()
		cfg.Window, cfg.RhoRand, cfg.PRand, cfg.MaxEdges = 5, tc.rho, tc.p, tc.maxEdges
		m := observed(t, net, cfg.Window, func(int, int) float64 { return 0 })
		after, evs := edit(t, NewPaper("explore", cfg, false, true, false, false), net, m, 10)
		if got := len(kinds(evs, KindAddEdge)); got != tc.want || after.NumEdges() != n+tc.want {
			t.Errorf("rho %g p_rand %g max_edges %d on %d edges: %d added (%d edges after), want %d",
				tc.rho, tc.p, tc.maxEdges, n, got, after.NumEdges(), tc.want)
		}
	}
}

// TestStrategySteps: on a network where every step of the paper's rule has
// something to do (every edge unstable, some edges prunable, two saturated
// neurons), each registered strategy takes exactly its own steps.
func TestStrategySteps(t *testing.T) {
	// Inputs→outputs edges are tiny (prunable without stranding anything);
	// every other edge is large. Hidden nodes 5 and 6 saturate (constant
	// activation: dead); Δw alternates ±lr around 0 on every edge, so
	// every edge is unstable.
	const nIn, nOut = 3, 2
	net := constructed(t, nIn, nOut, 4, func(e graph.Edge) float64 {
		if e.Src < nIn && e.Dst < nIn+nOut {
			return 0.001
		}
		return 0.5
	}, func(n graph.Node) float64 {
		if n.ID == nIn+nOut || n.ID == nIn+nOut+1 {
			return 40
		}
		return 0
	})
	all := []string{KindGrowNeuron, KindAddEdge, KindPruneEdge, KindRemoveDead}
	want := map[string][]string{
		"paper":         all,
		"grow-only":     {KindGrowNeuron, KindAddEdge},
		"no-growth":     {KindPruneEdge, KindRemoveDead},
		"static":        nil,
		"insert-only":   {KindGrowNeuron, KindPruneEdge, KindRemoveDead},
		"explore-only":  {KindAddEdge, KindPruneEdge, KindRemoveDead},
		"random-insert": all,
	}
	params := framework.Params{"window": int64(6), "maturity": int64(0), "prune_fraction": 1.0, "p_rand": 1.0}
	for _, name := range Names() {
		w, ok := want[name]
		if !ok {
			continue // a strategy registered by another package's tests
		}
		delete(want, name)
		s, err := New(name, params)
		if err != nil {
			t.Fatal(err)
		}
		m := observed(t, net, 6, func(id, k int) float64 { return lr * float64(1-2*(k%2)) })
		_, evs := edit(t, s, net, m, 100)
		var got []string
		for _, k := range all {
			if len(kinds(evs, k)) > 0 {
				got = append(got, k)
			}
		}
		if !slices.Equal(got, w) {
			t.Errorf("%s: steps %v, want %v", name, got, w)
		}
	}
	for name := range want {
		t.Errorf("strategy %q is not registered", name)
	}
}

// TestParseConfigSignals: the gradient signal's three changes follow
// edge_signal unless set, and each can be set alone.
func TestParseConfigSignals(t *testing.T) {
	for _, tc := range []struct {
		p                 framework.Params
		edge, gate, prune string
		wantErr           bool
	}{
		{framework.Params{}, SignalUpdate, GateAlways, SignalUpdate, false},
		{framework.Params{"edge_signal": "gradient"}, SignalGradient, GateUnstable, SignalGradient, false},
		{framework.Params{"edge_signal": "gradient", "explore_gate": "always", "prune_signal": "update"}, SignalGradient, GateAlways, SignalUpdate, false},
		{framework.Params{"explore_gate": "unstable"}, SignalUpdate, GateUnstable, SignalUpdate, false},
		{framework.Params{"prune_signal": "gradient"}, SignalUpdate, GateAlways, SignalGradient, false},
		{framework.Params{"explore_gate": "sometimes"}, "", "", "", true},
		{framework.Params{"prune_signal": "loss"}, "", "", "", true},
	} {
		c, err := ParseConfig(tc.p)
		if (err != nil) != tc.wantErr {
			t.Errorf("%v: error %v, want error %v", tc.p, err, tc.wantErr)
			continue
		}
		if !tc.wantErr && (c.EdgeSignal != tc.edge || c.ExploreGate != tc.gate || c.PruneSignal != tc.prune) {
			t.Errorf("%v: signal %s gate %s prune %s, want %s %s %s", tc.p, c.EdgeSignal, c.ExploreGate, c.PruneSignal, tc.edge, tc.gate, tc.prune)
		}
	}
}

// TestExploreGate: with the gate "unstable", exploratory growth waits for
// an unstable edge, whether or not insertion is on; with "always" it does
// not.
func TestExploreGate(t *testing.T) {
	net := constructed(t, 3, 2, 4, func(graph.Edge) float64 { return 0.5 }, nil)
	steady := func(id, k int) float64 { return -lr }
	oneUnstable := func(id, k int) float64 {
		if id == 0 {
			return lr * float64(1-2*(k%2))
		}
		return -lr
	}
	for _, tc := range []struct {
		gate  string
		grow  bool
		dw    func(id, k int) float64
		added bool
	}{
		{GateAlways, false, steady, true},
		{GateUnstable, false, steady, false},
		{GateUnstable, true, steady, false},
		{GateUnstable, false, oneUnstable, true},
		{GateUnstable, true, oneUnstable, true},
	} {
		cfg := DefaultConfig()
		cfg.Window, cfg.ExploreGate = 6, tc.gate
		m := observed(t, net, cfg.Window, tc.dw)
		_, evs := edit(t, NewPaper("gate", cfg, tc.grow, true, false, false), net, m, 100)
		if got := len(kinds(evs, KindAddEdge)) > 0; got != tc.added {
			t.Errorf("gate %s, insertion %v: exploratory edges added %v, want %v", tc.gate, tc.grow, got, tc.added)
		}
	}
}

// TestPruneReadsItsSignal: with a second stream, pruning's |mean| test
// reads it and growth's test reads the main one.
func TestPruneReadsItsSignal(t *testing.T) {
	cfg := pruneConfig()
	net := constructed(t, 4, 2, 0, func(graph.Edge) float64 { return 0 }, nil)
	for _, tc := range []struct {
		main, second float64 // constant per-step values of the two streams
		pruned       bool
	}{{10 * lr, 0, true}, {0, 10 * lr, false}} {
		m, err := NewMonitorSecond(cfg.Window, net.NumEdges(), net.NumNodes())
		if err != nil {
			t.Fatal(err)
		}
		var w graph.Work
		obs := make([]float64, 4)
		if err := net.Forward(obs, 1, &w); err != nil {
			t.Fatal(err)
		}
		mainV, secondV := make([]float64, net.NumEdges()), make([]float64, net.NumEdges())
		for i := range mainV {
			mainV[i], secondV[i] = tc.main, tc.second
		}
		for k := 0; k < cfg.Window; k++ {
			m.ObserveSecond(secondV)
			m.Observe(net, mainV, &w)
		}
		_, evs := edit(t, NewPaper("prune", cfg, false, false, true, false), net, m, 10)
		if got := len(kinds(evs, KindPruneEdge)) > 0; got != tc.pruned {
			t.Errorf("main stream %g, second %g: pruned %v, want %v", tc.main, tc.second, got, tc.pruned)
		}
	}
}

// TestMonitorSecondStream: the second stream's statistics are its window's
// mean and variance (across ring wraps) and follow their edge through a
// rebuild.
func TestMonitorSecondStream(t *testing.T) {
	net := smallNet(t, 2, 1, 2, 1)
	const window = 4
	m, err := NewMonitorSecond(window, net.NumEdges(), net.NumNodes())
	if err != nil {
		t.Fatal(err)
	}
	var w graph.Work
	if err := net.Forward(make([]float64, 2), 1, &w); err != nil {
		t.Fatal(err)
	}
	var hist [][]float64
	for k := 0; k < 3*window+1; k++ {
		x := make([]float64, net.NumEdges())
		for i := range x {
			x[i] = float64((k*7+i*3)%5) - 1.5
		}
		hist = append(hist, x)
		m.ObserveSecond(x)
		m.Observe(net, make([]float64, net.NumEdges()), &w)
	}
	last := hist[len(hist)-window:]
	for e := 0; e < net.NumEdges(); e++ {
		s, q := 0.0, 0.0
		for _, h := range last {
			s += h[e]
			q += h[e] * h[e]
		}
		mean := s / window
		st := m.SecondEdge(e)
		if math.Abs(st.Mean-mean) > 1e-12 || math.Abs(st.Var-(q/window-mean*mean)) > 1e-12 || st.N != window {
			t.Fatalf("edge %d: second stream %+v, want mean %g var %g", e, st, mean, q/window-mean*mean)
		}
	}
	// Remove edge slot 0: every other edge keeps its statistics.
	g := net.Graph()
	want := map[int]Stats{}
	for i, id := range net.EdgeID {
		want[id] = m.SecondEdge(i)
	}
	removed := net.EdgeID[0]
	if err := g.RemoveEdge(removed); err != nil {
		t.Fatal(err)
	}
	g.RemoveStranded()
	out, rm, err := graph.Compile(g)
	if err != nil {
		t.Fatal(err)
	}
	m.Remap(rm)
	if err := m.Check(out); err != nil {
		t.Fatal(err)
	}
	for i, id := range out.EdgeID {
		if got := m.SecondEdge(i); got != want[id] {
			t.Errorf("edge %d: %+v after the rebuild, %+v before", id, got, want[id])
		}
	}
}

// TestRandomInsert: the control inserts as many neurons as the paper's
// rule would, on edges drawn at random rather than on the unstable ones.
func TestRandomInsert(t *testing.T) {
	net := constructed(t, 3, 2, 4, func(graph.Edge) float64 { return 0.5 }, nil)
	cfg := DefaultConfig()
	cfg.Window, cfg.MaxInsert, cfg.PRand = 6, 3, 0
	for _, unstable := range []int{0, 1, 2, 5} {
		m := observed(t, net, cfg.Window, func(id, k int) float64 {
			if id < unstable {
				return lr * float64(1-2*(k%2))
			}
			return -lr
		})
		paperSites := map[int]bool{}
		_, evs := edit(t, NewPaper("paper", cfg, true, false, false, false), net, m, 100)
		for _, e := range kinds(evs, KindGrowNeuron) {
			paperSites[e.Edges[0]] = true
		}
		want := min(unstable, cfg.MaxInsert)
		if len(paperSites) != want {
			t.Fatalf("%d unstable edges: paper inserted %d neurons, want %d", unstable, len(paperSites), want)
		}
		elsewhere := 0
		for seed := uint64(0); seed < 20; seed++ {
			c := NewContext(100, net.Graph(), rand.New(rand.NewPCG(seed, 9)), lr, m)
			if err := NewRandomInsert("random-insert", cfg).Edit(c); err != nil {
				t.Fatal(err)
			}
			grown := kinds(c.Events(), KindGrowNeuron)
			if len(grown) != want {
				t.Fatalf("%d unstable edges, seed %d: random-insert inserted %d neurons, want %d", unstable, seed, len(grown), want)
			}
			sites := map[int]bool{}
			for _, e := range grown {
				sites[e.Edges[0]] = true
				if !paperSites[e.Edges[0]] {
					elsewhere++
				}
			}
			if len(sites) != len(grown) {
				t.Fatalf("random-insert used an edge twice: %+v", grown)
			}
		}
		if want > 0 && elsewhere == 0 {
			t.Errorf("%d unstable edges: random-insert always chose the unstable edges", unstable)
		}
	}
}
