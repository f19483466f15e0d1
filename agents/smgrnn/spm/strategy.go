package spm

import (
	"fmt"
	"math/rand/v2"

	"github.com/smgrnn/arena/agents/smgrnn/graph"
	"github.com/smgrnn/arena/framework"
)

// Strategy decides the structural edits. The SPM calls Edit every Period
// steps with an editable copy of the network and the window statistics;
// whatever the strategy leaves in the graph (which must pass
// graph.Graph.Check) becomes the new network, with optimizer and SPM state
// carried over by edge and node ID.
type Strategy interface {
	// Name is the name the strategy is registered under.
	Name() string
	// Schedule returns the statistics window (steps) and the edit period
	// (steps between Edit calls; 0 means never, and then no statistics are
	// kept at all).
	Schedule() (window, period int)
	// Edit changes c.Graph and records each change with c.Record. An error
	// discards every change of this call.
	Edit(c *Context) error
}

// Signaler is implemented by strategies that choose what the edge
// statistics are taken of: SignalUpdate (the applied weight change Δw, the
// default for strategies that do not implement it) or SignalGradient (the
// loss gradient of the weight, taken before the optimizer step).
type Signaler interface {
	Signal() string
}

// PruneSignaler is implemented by strategies whose pruning reads a signal
// of its own (SignalUpdate or SignalGradient); without it, pruning reads
// the Signaler's. When the two differ the student keeps both, and
// Context.PruneStats returns the pruning signal's statistics.
type PruneSignaler interface {
	PruneSignal() string
}

// Maker builds a strategy from its settings (the student's `spm` table).
// It must reject unknown keys (framework.Params.CheckKnown) so a misspelt
// setting is never silently ignored.
type Maker func(p framework.Params) (Strategy, error)

var strategies = framework.Registry[Maker]{What: "strategy"}

// Register makes a strategy available by name; registering a name twice
// panics, since that is a programming error.
func Register(name string, m Maker) { strategies.Register(name, m) }

// New builds the named strategy from its settings.
func New(name string, p framework.Params) (Strategy, error) {
	m, err := strategies.Lookup(name)
	if err != nil {
		return nil, fmt.Errorf("spm: %w", err)
	}
	s, err := m(p)
	if err != nil {
		return nil, fmt.Errorf("spm: strategy %q: %w", name, err)
	}
	return s, nil
}

// Names lists the registered strategies in sorted order.
func Names() []string { return strategies.Names() }

// Event is one recorded structural edit.
type Event struct {
	// Step is the training step (optimizer steps taken) at the edit.
	Step int64  `json:"step"`
	Kind string `json:"kind"`
	// Nodes and Edges are the IDs involved; see the kinds' documentation.
	Nodes []int `json:"nodes,omitempty"`
	Edges []int `json:"edges,omitempty"`
	// Stats holds the statistics that triggered the edit.
	Stats map[string]float64 `json:"stats,omitempty"`
}

// Event kinds the built-in strategies record.
const (
	// KindGrowNeuron: a hidden neuron inserted on a parallel path around
	// an unstable edge. Nodes: [new neuron]; Edges: [unstable edge, new
	// in-edge, new out-edge]; Stats: mean, var, score of the edge's Δw.
	KindGrowNeuron = "grow_neuron"
	// KindAddEdge: a random exploratory edge. Nodes: [src, dst]; Edges:
	// [new edge].
	KindAddEdge = "add_edge"
	// KindPruneEdge: a small, settled edge removed. Nodes: [src, dst];
	// Edges: [edge]; Stats: w, mean (of Δw).
	KindPruneEdge = "prune_edge"
	// KindRemoveStranded: a hidden neuron left without incoming or
	// outgoing edges removed (its constant folded into its targets).
	// Nodes: [neuron].
	KindRemoveStranded = "remove_stranded"
	// KindRemoveDead: a hidden neuron whose activation became constant
	// removed, its constant folded into its targets' biases. Nodes:
	// [neuron]; Stats: mean, var of its activation.
	KindRemoveDead = "remove_dead"
)

// Context is what a strategy's Edit sees.
type Context struct {
	// Step is the number of optimizer steps taken so far.
	Step int64
	// Graph is an editable copy of the network.
	Graph *graph.Graph
	// Rng is the student's random source (deterministic for its seed).
	Rng *rand.Rand
	// LearningRate is the optimizer's, the natural scale of Δw.
	LearningRate float64
	// Window is the statistics window length.
	Window int

	mon    *Monitor
	events []Event
}

// NewContext prepares an Edit call; mon holds the statistics aligned with
// the network g was read from (nil when the strategy keeps none).
func NewContext(step int64, g *graph.Graph, rng *rand.Rand, lr float64, mon *Monitor) *Context {
	c := &Context{Step: step, Graph: g, Rng: rng, LearningRate: lr, mon: mon}
	if mon != nil {
		c.Window = mon.Window
	}
	return c
}

// EdgeStats returns the window statistics of an edge's Δw; ok is false for
// an edge added since the statistics were taken.
func (c *Context) EdgeStats(e *graph.Edge) (s Stats, ok bool) {
	if c.mon == nil || e.Slot() < 0 {
		return Stats{}, false
	}
	return c.mon.Edge(e.Slot()), true
}

// PruneStats returns the window statistics of the signal pruning reads:
// the monitor's second stream when it keeps one, else EdgeStats.
func (c *Context) PruneStats(e *graph.Edge) (s Stats, ok bool) {
	if c.mon == nil || e.Slot() < 0 {
		return Stats{}, false
	}
	if c.mon.Second {
		return c.mon.SecondEdge(e.Slot()), true
	}
	return c.mon.Edge(e.Slot()), true
}

// NodeStats returns the window statistics of a hidden node's activation;
// ok is false for a node added since.
func (c *Context) NodeStats(n *graph.Node) (s Stats, ok bool) {
	if c.mon == nil || n.Slot() < 0 || n.Kind != graph.Hidden {
		return Stats{}, false
	}
	return c.mon.Node(n.Slot()), true
}

// Record adds an event stamped with the current step.
func (c *Context) Record(kind string, nodes, edges []int, stats map[string]float64) {
	c.events = append(c.events, Event{Step: c.Step, Kind: kind, Nodes: nodes, Edges: edges, Stats: stats})
}

// Events returns what Record collected.
func (c *Context) Events() []Event { return c.events }
