package spm

import (
	"fmt"
	"math"
	"slices"

	"github.com/smgrnn/arena/agents/smgrnn/graph"
	"github.com/smgrnn/arena/framework"
)

// Config holds the settings of the built-in strategies (the student's
// `spm` table). Δw-valued thresholds are in units of the learning rate,
// because Adam's per-step change of a weight scales with it: the same
// setting then means the same thing whatever learning rate a match uses.
type Config struct {
	// Window is the length (steps) of the statistics windows.
	Window int
	// Period is the number of steps between structural edits.
	Period int
	// LambdaEdge (λ_edge, ×lr): an edge is unstable when |μ| < ½σ and
	// σ² > LambdaEdge·lr·|μ| for its Δw's window mean μ and variance σ².
	LambdaEdge float64
	// RelayInit is the magnitude of the weights of the edges a neuron
	// insertion creates, and the bound of exploratory edges' weights.
	RelayInit float64
	// MaxInsert caps neuron insertions per period.
	MaxInsert int
	// PRand is the probability per period of exploratory growth.
	PRand float64
	// RhoRand: exploratory growth adds ⌈RhoRand·N⌉ edges (N = edge count).
	RhoRand float64
	// TauW and TauDelta (×lr): edges with |w| ≤ TauW and |μ_Δw| ≤
	// TauDelta·lr are pruning candidates.
	TauW, TauDelta float64
	// PruneFraction is the expected fraction of candidates removed per
	// period.
	PruneFraction float64
	// TauAct: a hidden neuron whose activation variance over the window is
	// below TauAct is dead.
	TauAct float64
	// Maturity: steps during which a new neuron and its edges cannot be
	// pruned or removed.
	Maturity int
	// MaxHidden and MaxEdges stop growth.
	MaxHidden, MaxEdges int
	// EdgeSignal is what the edge statistics are taken of: "update" (the
	// applied weight change Δw, the paper's signal) or "gradient" (the
	// loss gradient of the weight). With "gradient", growth's test uses
	// LambdaGrad (in gradient units) instead of LambdaEdge·lr, pruning's
	// |mean| test applies to the gradient, and exploratory growth happens
	// only in periods where some edge is unstable.
	EdgeSignal string
	// LambdaGrad is λ for the "gradient" signal: an edge is unstable when
	// |μ| < ½σ and σ² > LambdaGrad·|μ| for its gradient's window mean μ
	// and variance σ².
	LambdaGrad float64
	// ExploreGate says when exploratory growth may happen: "always" (the
	// paper) or "unstable" (only in periods where some edge is unstable).
	// It defaults to "unstable" with the gradient signal, else "always".
	ExploreGate string
	// PruneSignal is what pruning's |mean| ≤ TauDelta·lr test reads:
	// "update" or "gradient". It defaults to EdgeSignal; when it differs,
	// the statistics of both signals are kept.
	PruneSignal string
}

// Exploration gates (Config.ExploreGate).
const (
	GateAlways   = "always"
	GateUnstable = "unstable"
)

// Edge signals (Config.EdgeSignal).
const (
	SignalUpdate   = "update"
	SignalGradient = "gradient"
)

// DefaultConfig returns the defaults, chosen to work on every classic
// control task without tuning (see the package README for the reasoning).
func DefaultConfig() Config {
	return Config{
		Window:        100,
		Period:        100,
		LambdaEdge:    1,
		RelayInit:     0.05,
		MaxInsert:     2,
		PRand:         1,
		RhoRand:       0.05,
		TauW:          0.02,
		TauDelta:      0.05,
		PruneFraction: 0.2,
		TauAct:        1e-4,
		Maturity:      1000,
		MaxHidden:     32,
		MaxEdges:      400,
		EdgeSignal:    SignalUpdate,
		LambdaGrad:    10,
		ExploreGate:   GateAlways,
		PruneSignal:   SignalUpdate,
	}
}

// ConfigKeys lists the settings ParseConfig reads.
var ConfigKeys = []string{"window", "period", "lambda_edge", "relay_init", "max_insert", "p_rand", "rho_rand",
	"tau_w", "tau_delta", "prune_fraction", "tau_act", "maturity", "max_hidden", "max_edges", "edge_signal", "lambda_grad",
	"explore_gate", "prune_signal"}

// ParseConfig reads the built-in strategies' settings over the defaults;
// an unknown key or an out-of-range value is an error naming the key.
func ParseConfig(p framework.Params) (Config, error) {
	c := DefaultConfig()
	if err := p.CheckKnown(ConfigKeys...); err != nil {
		return c, err
	}
	var err error
	ints := []struct {
		key string
		dst *int
		min int
	}{{"window", &c.Window, 1}, {"period", &c.Period, 1}, {"max_insert", &c.MaxInsert, 0},
		{"maturity", &c.Maturity, 0}, {"max_hidden", &c.MaxHidden, 0}, {"max_edges", &c.MaxEdges, 0}}
	for _, s := range ints {
		if *s.dst, err = p.Int(s.key, *s.dst); err != nil {
			return c, err
		}
		if *s.dst < s.min {
			return c, fmt.Errorf("setting %q must be at least %d, got %d", s.key, s.min, *s.dst)
		}
	}
	floats := []struct {
		key      string
		dst      *float64
		min, max float64
	}{{"lambda_edge", &c.LambdaEdge, 0, math.Inf(1)}, {"relay_init", &c.RelayInit, 0, math.Inf(1)},
		{"p_rand", &c.PRand, 0, 1}, {"rho_rand", &c.RhoRand, 0, 1}, {"tau_w", &c.TauW, 0, math.Inf(1)},
		{"tau_delta", &c.TauDelta, 0, math.Inf(1)}, {"prune_fraction", &c.PruneFraction, 0, 1},
		{"tau_act", &c.TauAct, 0, math.Inf(1)}, {"lambda_grad", &c.LambdaGrad, 0, math.Inf(1)}}
	for _, s := range floats {
		if *s.dst, err = p.Float(s.key, *s.dst); err != nil {
			return c, err
		}
		if !(*s.dst >= s.min && *s.dst <= s.max) || math.IsInf(*s.dst, 0) {
			return c, fmt.Errorf("setting %q must be in [%g, %g], got %v", s.key, s.min, s.max, *s.dst)
		}
	}
	if c.LambdaEdge == 0 {
		return c, fmt.Errorf("setting %q must be positive", "lambda_edge")
	}
	if c.LambdaGrad == 0 {
		return c, fmt.Errorf("setting %q must be positive", "lambda_grad")
	}
	if c.EdgeSignal, err = p.String("edge_signal", c.EdgeSignal); err != nil {
		return c, err
	}
	if c.EdgeSignal != SignalUpdate && c.EdgeSignal != SignalGradient {
		return c, fmt.Errorf("setting %q must be %q or %q, got %q", "edge_signal", SignalUpdate, SignalGradient, c.EdgeSignal)
	}
	// The gradient signal's other two changes follow it unless set.
	c.ExploreGate, c.PruneSignal = GateAlways, c.EdgeSignal
	if c.EdgeSignal == SignalGradient {
		c.ExploreGate = GateUnstable
	}
	if c.ExploreGate, err = p.String("explore_gate", c.ExploreGate); err != nil {
		return c, err
	}
	if c.ExploreGate != GateAlways && c.ExploreGate != GateUnstable {
		return c, fmt.Errorf("setting %q must be %q or %q, got %q", "explore_gate", GateAlways, GateUnstable, c.ExploreGate)
	}
	if c.PruneSignal, err = p.String("prune_signal", c.PruneSignal); err != nil {
		return c, err
	}
	if c.PruneSignal != SignalUpdate && c.PruneSignal != SignalGradient {
		return c, fmt.Errorf("setting %q must be %q or %q, got %q", "prune_signal", SignalUpdate, SignalGradient, c.PruneSignal)
	}
	return c, nil
}

// Paper is the reference strategy of Jia & Zhou (arXiv 2512.12713) with its
// steps switchable, which also gives the paper's ablations: 1 edge-driven
// growth, 2 exploratory growth, 3 pruning (with stranded-neuron cleanup),
// 4 dead-neuron removal; 5 (maturity and caps) always applies.
type Paper struct {
	Config
	name                       string
	grow, explore, prune, dead bool
	// randomSites: step 1 inserts as many neurons as the instability test
	// asks for, on edges drawn at random instead of the unstable ones.
	randomSites bool
}

// NewPaper returns the strategy with the chosen steps enabled.
func NewPaper(name string, cfg Config, grow, explore, prune, dead bool) *Paper {
	return &Paper{Config: cfg, name: name, grow: grow, explore: explore, prune: prune, dead: dead}
}

// NewRandomInsert returns the control for the paper's signal: every step
// of the paper, but step 1 inserts its neurons on edges drawn uniformly
// (among those with a full window) instead of on the most unstable ones,
// as many per period as the paper's rule would insert.
func NewRandomInsert(name string, cfg Config) *Paper {
	p := NewPaper(name, cfg, true, true, true, true)
	p.randomSites = true
	return p
}

// Name implements Strategy.
func (p *Paper) Name() string { return p.name }

// Signal implements Signaler: what the edge statistics are taken of.
func (p *Paper) Signal() string { return p.EdgeSignal }

// PruneSignal implements PruneSignaler: what pruning's test reads.
func (p *Paper) PruneSignal() string { return p.Config.PruneSignal }

// Schedule implements Strategy; with every step disabled (static) it asks
// for no edits and no statistics.
func (p *Paper) Schedule() (window, period int) {
	if !p.grow && !p.explore && !p.prune && !p.dead {
		return p.Window, 0
	}
	return p.Window, p.Period
}

func init() {
	for _, s := range []struct {
		name                       string
		grow, explore, prune, dead bool
	}{
		{"paper", true, true, true, true},
		{"grow-only", true, true, false, false},
		{"no-growth", false, false, true, true},
		{"static", false, false, false, false},
		{"insert-only", true, false, true, true},
		{"explore-only", false, true, true, true},
	} {
		Register(s.name, func(p framework.Params) (Strategy, error) {
			cfg, err := ParseConfig(p)
			if err != nil {
				return nil, err
			}
			return NewPaper(s.name, cfg, s.grow, s.explore, s.prune, s.dead), nil
		})
	}
	Register("random-insert", func(p framework.Params) (Strategy, error) {
		cfg, err := ParseConfig(p)
		if err != nil {
			return nil, err
		}
		return NewRandomInsert("random-insert", cfg), nil
	})
}

// Edit implements Strategy: the enabled steps in the paper's order. With
// the exploration gate "unstable", exploratory growth needs an unstable
// edge this period (the random draw is made either way, so the stream of
// random numbers does not depend on it).
func (p *Paper) Edit(c *Context) error {
	var cands []candidate
	if p.grow || (p.explore && p.ExploreGate == GateUnstable) {
		cands = p.unstableEdges(c)
	}
	if p.grow {
		if err := p.growEdges(c, cands); err != nil {
			return err
		}
	}
	if p.explore && c.Rng.Float64() < p.PRand && (p.ExploreGate != GateUnstable || len(cands) > 0) {
		p.exploreEdges(c)
	}
	if p.prune {
		p.pruneEdges(c)
	}
	if p.dead {
		p.removeDead(c)
	}
	return nil
}

// Unstable reports whether Δw statistics mark an edge unstable (its
// updates fluctuate around zero) and its score σ²/|μ| (+Inf when μ = 0).
// lambda is λ_edge in the units of Δw.
func Unstable(s Stats, lambda float64) (bool, float64) {
	mu := math.Abs(s.Mean)
	sigma := math.Sqrt(s.Var)
	if !(mu < 0.5*sigma && s.Var > lambda*mu) {
		return false, 0
	}
	if mu == 0 {
		return true, math.Inf(1)
	}
	return true, s.Var / mu
}

func (p *Paper) mature(born, step int64) bool { return step-born >= int64(p.Maturity) }

// candidate is an unstable edge with its statistics and score.
type candidate struct {
	id    int
	st    Stats
	score float64
}

// unstableEdges returns the edges with a full window that the instability
// test marks, most unstable first (largest σ²/|μ|, ties by larger σ², then
// ID).
func (p *Paper) unstableEdges(c *Context) []candidate {
	g := c.Graph
	var cands []candidate
	lambda := p.LambdaEdge * c.LearningRate
	if p.EdgeSignal == SignalGradient {
		lambda = p.LambdaGrad
	}
	for i := range g.Edges() {
		e := &g.Edges()[i]
		st, ok := c.EdgeStats(e)
		if !ok || !st.Full(p.Window) {
			continue
		}
		if un, score := Unstable(st, lambda); un {
			cands = append(cands, candidate{e.ID, st, score})
		}
	}
	slices.SortStableFunc(cands, func(a, b candidate) int {
		switch {
		case a.score > b.score:
			return -1
		case a.score < b.score:
			return 1
		case a.st.Var > b.st.Var: // equal scores (e.g. μ = 0): larger σ² first
			return -1
		case a.st.Var < b.st.Var:
			return 1
		}
		return a.id - b.id
	})
	return cands
}

// growEdges is step 1: insert a neuron on a parallel path around each of
// the most unstable edges, at most MaxInsert and within the caps. With
// randomSites the same number of neurons go on edges drawn at random.
func (p *Paper) growEdges(c *Context, cands []candidate) error {
	g := c.Graph
	sites := cands
	if p.randomSites && len(cands) > 0 {
		// Any edge the test could have marked: those with a full window.
		var pool []candidate
		for i := range g.Edges() {
			e := &g.Edges()[i]
			if st, ok := c.EdgeStats(e); ok && st.Full(p.Window) {
				pool = append(pool, candidate{e.ID, st, 0})
			}
		}
		c.Rng.Shuffle(len(pool), func(i, j int) { pool[i], pool[j] = pool[j], pool[i] })
		sites = pool[:min(len(cands), len(pool))]
	}
	for n, cd := range sites {
		if n >= p.MaxInsert || g.NumHidden()+1 > p.MaxHidden || g.NumEdges()+2 > p.MaxEdges {
			break
		}
		e := g.Edge(cd.id)
		src, dst := e.Src, e.Dst
		// The new neuron reads its source at full scale (weight and bias
		// uniform in ±1, the initial scale for fan-in 1) so it is a real
		// nonlinear feature from the start and its out-edge gets an O(1)
		// gradient; only the relay out-edge starts small (±relay_init),
		// which bounds the change of the output by relay_init·max|act|.
		h := g.AddHidden(2*c.Rng.Float64()-1, c.Step)
		in, err1 := g.AddEdge(src, h, 2*c.Rng.Float64()-1, c.Step)
		out, err2 := g.AddEdge(h, dst, p.RelayInit*sign(c), c.Step)
		if err1 != nil || err2 != nil {
			// A fresh node cannot close a cycle or duplicate an edge, so
			// this is a bug; report it rather than leave a half edit.
			return fmt.Errorf("spm: inserting a neuron on %d→%d: %v, %v", src, dst, err1, err2)
		}
		st := map[string]float64{"mean": cd.st.Mean, "var": cd.st.Var}
		if !math.IsInf(cd.score, 0) && !p.randomSites {
			// An infinite score (μ exactly 0) is left out: JSON has no Inf.
			st["score"] = cd.score
		}
		c.Record(KindGrowNeuron, []int{h}, []int{cd.id, in, out}, st)
	}
	return nil
}

func sign(c *Context) float64 {
	if c.Rng.IntN(2) == 0 {
		return -1
	}
	return 1
}

// exploreEdges is step 2: add ⌈ρ·N⌉ random acyclic, non-duplicate edges.
func (p *Paper) exploreEdges(c *Context) {
	g := c.Graph
	want := int(math.Ceil(p.RhoRand * float64(g.NumEdges())))
	var srcs, dsts []int
	for _, n := range g.Nodes() {
		if n.Kind != graph.Output {
			srcs = append(srcs, n.ID)
		}
		if n.Kind != graph.Input {
			dsts = append(dsts, n.ID)
		}
	}
	for added, tries := 0, 0; added < want && tries < 20*want && g.NumEdges() < p.MaxEdges; tries++ {
		s, d := srcs[c.Rng.IntN(len(srcs))], dsts[c.Rng.IntN(len(dsts))]
		w := p.RelayInit * (2*c.Rng.Float64() - 1)
		id, err := g.AddEdge(s, d, w, c.Step)
		if err != nil {
			continue
		}
		added++
		c.Record(KindAddEdge, []int{s, d}, []int{id}, nil)
	}
}

// pruneEdges is step 3: remove a random fraction of the small, settled,
// mature edges, never an output's last feed, then the stranded neurons.
func (p *Paper) pruneEdges(c *Context) {
	g := c.Graph
	var cands []int
	stats := map[int]Stats{}
	tauD := p.TauDelta * c.LearningRate
	for i := range g.Edges() {
		e := &g.Edges()[i]
		st, ok := c.PruneStats(e)
		if !ok || !st.Full(p.Window) || !p.mature(e.Born, c.Step) {
			continue
		}
		if math.Abs(e.W) <= p.TauW && math.Abs(st.Mean) <= tauD {
			cands = append(cands, e.ID)
			stats[e.ID] = st
		}
	}
	if len(cands) == 0 {
		return
	}
	x := p.PruneFraction * float64(len(cands))
	k := int(x)
	if c.Rng.Float64() < x-float64(k) {
		k++
	}
	c.Rng.Shuffle(len(cands), func(i, j int) { cands[i], cands[j] = cands[j], cands[i] })
	for _, id := range cands[:k] {
		e := g.Edge(id)
		if e == nil {
			continue // went with a stranded neuron
		}
		src, dst, w := e.Src, e.Dst, e.W
		if n := g.Node(dst); n.Kind == graph.Output && n.In <= 1 {
			continue
		}
		trial := g.Clone()
		_ = trial.RemoveEdge(id)
		removed := trial.RemoveStranded()
		if !trial.OutputsFed() {
			continue
		}
		*g = *trial
		c.Record(KindPruneEdge, []int{src, dst}, []int{id}, map[string]float64{"w": w, "mean": stats[id].Mean})
		for _, n := range removed {
			c.Record(KindRemoveStranded, []int{n}, nil, nil)
		}
	}
}

// removeDead is step 4: remove mature hidden neurons whose activation
// variance fell below τ_act, folding their mean into their targets' biases.
func (p *Paper) removeDead(c *Context) {
	g := c.Graph
	var dead []int
	stats := map[int]Stats{}
	for i := range g.Nodes() {
		n := &g.Nodes()[i]
		st, ok := c.NodeStats(n)
		if !ok || !st.Full(p.Window) || !p.mature(n.Born, c.Step) {
			continue
		}
		if st.Var < p.TauAct {
			dead = append(dead, n.ID)
			stats[n.ID] = st
		}
	}
	for _, id := range dead {
		if g.Node(id) == nil {
			continue
		}
		trial := g.Clone()
		_ = trial.RemoveNode(id, stats[id].Mean)
		removed := trial.RemoveStranded()
		if !trial.OutputsFed() {
			continue
		}
		*g = *trial
		c.Record(KindRemoveDead, []int{id}, nil, map[string]float64{"mean": stats[id].Mean, "var": stats[id].Var})
		for _, n := range removed {
			c.Record(KindRemoveStranded, []int{n}, nil, nil)
		}
	}
}
