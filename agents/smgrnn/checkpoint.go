package smgrnn

import (
	"bytes"
	"encoding/gob"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/smgrnn/arena/agents/activation"
	"github.com/smgrnn/arena/agents/smgrnn/graph"
	"github.com/smgrnn/arena/agents/smgrnn/spm"
	"github.com/smgrnn/arena/framework"
	"github.com/smgrnn/arena/framework/portable"
)

// checkpointFormat and checkpointVersion head every checkpoint, so a file
// of another kind or an incompatible version is refused with a clear error.
// Version 2 stores maps as sorted lists, so a checkpoint's bytes are the
// same on every run (gob writes maps in Go's random iteration order);
// version 1 is still read.
const (
	checkpointFormat  = "smgrnn-checkpoint"
	checkpointVersion = 2
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
	SPM                []keyValue
	Step               int64
	RNG                []byte
	NextNode, NextEdge int
	Nodes              []graph.Node
	Edges              []graph.Edge
	Monitor            *spm.Monitor
	Events             []event
}

// checkpointV1 is version 1's layout, with maps.
type checkpointV1 struct {
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

// keyValue is one entry of a map saved as a list sorted by key; nested
// tables are []keyValue too.
type keyValue struct {
	Key   string
	Value any
}

// event is spm.Event with its statistics as a sorted list.
type event struct {
	Step         int64
	Kind         string
	Nodes, Edges []int
	Stats        []stat
}

type stat struct {
	Key   string
	Value float64
}

func init() {
	// The spm table decodes to these types from TOML and JSON (version 1
	// stored them as they are; version 2 turns tables into []keyValue).
	gob.Register(map[string]any{})
	gob.Register([]any{})
	gob.Register(framework.Params{})
	gob.Register([]keyValue{})
}

// sortedTable turns a table (and the tables inside it) into sorted lists.
func sortedTable(m map[string]any) []keyValue {
	if m == nil {
		return nil
	}
	out := make([]keyValue, 0, len(m))
	for k, v := range m {
		out = append(out, keyValue{k, sortedValue(v)})
	}
	slices.SortFunc(out, func(a, b keyValue) int { return strings.Compare(a.Key, b.Key) })
	return out
}

func sortedValue(v any) any {
	switch x := v.(type) {
	case framework.Params:
		return sortedTable(x)
	case map[string]any:
		return sortedTable(x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = sortedValue(e)
		}
		return out
	}
	return v
}

// table is sortedTable's inverse.
func table(kvs []keyValue) map[string]any {
	if kvs == nil {
		return nil
	}
	m := make(map[string]any, len(kvs))
	for _, kv := range kvs {
		m[kv.Key] = tableValue(kv.Value)
	}
	return m
}

func tableValue(v any) any {
	switch x := v.(type) {
	case []keyValue:
		return table(x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = tableValue(e)
		}
		return out
	}
	return v
}

func toEvents(es []spm.Event) []event {
	out := make([]event, len(es))
	for i, e := range es {
		out[i] = event{Step: e.Step, Kind: e.Kind, Nodes: e.Nodes, Edges: e.Edges}
		for k, v := range e.Stats {
			out[i].Stats = append(out[i].Stats, stat{k, v})
		}
		slices.SortFunc(out[i].Stats, func(a, b stat) int { return strings.Compare(a.Key, b.Key) })
	}
	return out
}

func fromEvents(es []event) []spm.Event {
	out := make([]spm.Event, len(es))
	for i, e := range es {
		out[i] = spm.Event{Step: e.Step, Kind: e.Kind, Nodes: e.Nodes, Edges: e.Edges}
		if e.Stats != nil {
			out[i].Stats = make(map[string]float64, len(e.Stats))
			for _, st := range e.Stats {
				out[i].Stats[st.Key] = st.Value
			}
		}
	}
	return out
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
		ScaleInputs: s.set.ScaleInputs, SPM: sortedTable(s.set.SPM), Step: s.step, RNG: rng, NextNode: g.NextNode, NextEdge: g.NextEdge,
		Nodes: g.Nodes(), Edges: g.Edges(), Monitor: s.mon, Events: toEvents(s.events),
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
//
// It also reads the portable form SavePortable writes (the network only:
// Adam, the SPM's statistics and the step count start afresh).
func (s *Student) Load(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return fmt.Errorf("smgrnn: load: %w", err)
	}
	if portable.Is(data) {
		return s.loadPortable(data)
	}
	dec := gob.NewDecoder(bytes.NewReader(data))
	var h checkpointHeader
	if err := dec.Decode(&h); err != nil {
		return fmt.Errorf("smgrnn: load: not a checkpoint: %w", err)
	}
	if h.Format != checkpointFormat || h.Version < 1 || h.Version > checkpointVersion {
		return fmt.Errorf("smgrnn: load: checkpoint is %q version %d, want %q version 1 to %d", h.Format, h.Version, checkpointFormat, checkpointVersion)
	}
	var c checkpoint
	var spmTable map[string]any
	if h.Version == 1 {
		var c1 checkpointV1
		if err := dec.Decode(&c1); err != nil {
			return fmt.Errorf("smgrnn: load: %w", err)
		}
		c = checkpoint{ObsDim: c1.ObsDim, Outputs: c1.Outputs, Adam: c1.Adam, Strategy: c1.Strategy, InitHidden: c1.InitHidden,
			Density: c1.Density, Activation: c1.Activation, ScaleInputs: c1.ScaleInputs, Step: c1.Step, RNG: c1.RNG,
			NextNode: c1.NextNode, NextEdge: c1.NextEdge, Nodes: c1.Nodes, Edges: c1.Edges, Monitor: c1.Monitor, Events: toEvents(c1.Events)}
		spmTable = c1.SPM
	} else {
		if err := dec.Decode(&c); err != nil {
			return fmt.Errorf("smgrnn: load: %w", err)
		}
		spmTable = table(c.SPM)
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
	set := settings{Strategy: c.Strategy, InitHidden: c.InitHidden, Density: c.Density, Activation: c.Activation, ScaleInputs: c.ScaleInputs, SPM: framework.Params(spmTable)}
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
	tmp.events = fromEvents(c.Events)
	tmp.counts = map[string]int{}
	for _, e := range tmp.events {
		tmp.counts[e.Kind]++
	}
	*s = tmp
	return nil
}
