package smgrnn

import (
	"encoding/gob"
	"fmt"
	"io"
	"math/rand/v2"

	"github.com/smgrnn/arena/agents/activation"
	"github.com/smgrnn/arena/agents/smgrnn/graph"
	"github.com/smgrnn/arena/agents/smgrnn/spm"
	"github.com/smgrnn/arena/framework"
)

// checkpointFormat and checkpointVersion head every checkpoint, so a file
// of another kind or an incompatible version is refused with a clear error.
const (
	checkpointFormat  = "smgrnn-checkpoint"
	checkpointVersion = 1
)

type checkpointHeader struct {
	Format  string
	Version int
}

// checkpoint is everything needed to continue training identically: the
// full graph with weights, biases and Adam moments, the settings, the step
// counter, the random source, the SPM windows and the edit history. Gob
// keeps every float64 exactly (NaN included).
type checkpoint struct {
	ObsDim, Outputs    int
	Adam               framework.Adam
	Strategy           string
	InitHidden         int
	Density            float64
	Activation         string
	ScaleInputs        bool
	SPM                map[string]any
	Step               int64
	RNG                []byte
	NextNode, NextEdge int
	Nodes              []graph.Node
	Edges              []graph.Edge
	Monitor            *spm.Monitor
	Events             []spm.Event
}

func init() {
	// The spm table decodes to these types from TOML and JSON.
	gob.Register(map[string]any{})
	gob.Register([]any{})
	gob.Register(framework.Params{})
}

// Save implements framework.Student.
func (s *Student) Save(w io.Writer) error {
	rng, err := s.pcg.MarshalBinary()
	if err != nil {
		return fmt.Errorf("smgrnn: save: %w", err)
	}
	g := s.net.Graph()
	c := checkpoint{
		ObsDim: s.obsDim, Outputs: s.net.NOut, Adam: s.adam,
		Strategy: s.set.Strategy, InitHidden: s.set.InitHidden, Density: s.set.Density, Activation: s.set.Activation,
		ScaleInputs: s.set.ScaleInputs, SPM: map[string]any(s.set.SPM), Step: s.step, RNG: rng, NextNode: g.NextNode, NextEdge: g.NextEdge,
		Nodes: g.Nodes(), Edges: g.Edges(), Monitor: s.mon, Events: s.events,
	}
	enc := gob.NewEncoder(w)
	if err := enc.Encode(checkpointHeader{checkpointFormat, checkpointVersion}); err != nil {
		return fmt.Errorf("smgrnn: save: %w", err)
	}
	if err := enc.Encode(&c); err != nil {
		return fmt.Errorf("smgrnn: save: %w", err)
	}
	return nil
}

// Load implements framework.Student. It restores the whole state written
// by Save, including the Adam and strategy settings stored with it, so
// training continues exactly as it would have; the student's spaces must
// match the checkpoint's. On error the student is unchanged.
func (s *Student) Load(r io.Reader) error {
	dec := gob.NewDecoder(r)
	var h checkpointHeader
	if err := dec.Decode(&h); err != nil {
		return fmt.Errorf("smgrnn: load: not a checkpoint: %w", err)
	}
	if h.Format != checkpointFormat || h.Version != checkpointVersion {
		return fmt.Errorf("smgrnn: load: checkpoint is %q version %d, want %q version %d", h.Format, h.Version, checkpointFormat, checkpointVersion)
	}
	var c checkpoint
	if err := dec.Decode(&c); err != nil {
		return fmt.Errorf("smgrnn: load: %w", err)
	}
	if c.ObsDim != s.obsDim || c.Outputs != s.head.Outputs() {
		return fmt.Errorf("smgrnn: load: checkpoint has %d inputs and %d outputs, student needs %d and %d", c.ObsDim, c.Outputs, s.obsDim, s.head.Outputs())
	}
	if err := c.Adam.Validate(); err != nil {
		return fmt.Errorf("smgrnn: load: %w", err)
	}
	act, err := activation.Parse(c.Activation)
	if err != nil {
		return fmt.Errorf("smgrnn: load: %w", err)
	}
	g, err := graph.Build(c.ObsDim, c.Outputs, act, c.NextNode, c.NextEdge, c.Nodes, c.Edges)
	if err != nil {
		return fmt.Errorf("smgrnn: load: %w", err)
	}
	net, _, err := graph.Compile(g)
	if err != nil {
		return fmt.Errorf("smgrnn: load: %w", err)
	}
	tmp := *s
	set := settings{Strategy: c.Strategy, InitHidden: c.InitHidden, Density: c.Density, Activation: c.Activation, ScaleInputs: c.ScaleInputs, SPM: framework.Params(c.SPM)}
	if set.SPM == nil {
		set.SPM = framework.Params{}
	}
	if err := tmp.configure(set); err != nil {
		return fmt.Errorf("smgrnn: load: %w", err)
	}
	if tmp.period > 0 {
		if c.Monitor == nil || c.Monitor.Window != tmp.window {
			return fmt.Errorf("smgrnn: load: checkpoint lacks SPM statistics for window %d", tmp.window)
		}
		if err := c.Monitor.Check(net); err != nil {
			return fmt.Errorf("smgrnn: load: %w", err)
		}
		if c.Monitor.Second != (tmp.gradSignal != tmp.pruneGrad) {
			return fmt.Errorf("smgrnn: load: checkpoint's SPM statistics do not hold the signals its strategy reads")
		}
	} else {
		c.Monitor = nil
	}
	pcg := &rand.PCG{}
	if err := pcg.UnmarshalBinary(c.RNG); err != nil {
		return fmt.Errorf("smgrnn: load: random state: %w", err)
	}
	if c.Step < 0 {
		return fmt.Errorf("smgrnn: load: negative step %d", c.Step)
	}
	tmp.adam, tmp.net, tmp.mon, tmp.pcg, tmp.rng, tmp.step = c.Adam, net, c.Monitor, pcg, rand.New(pcg), c.Step
	tmp.events = c.Events
	tmp.counts = map[string]int{}
	for _, e := range c.Events {
		tmp.counts[e.Kind]++
	}
	*s = tmp
	return nil
}
