package smgrnn

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"

	"github.com/smgrnn/arena/agents/activation"
	"github.com/smgrnn/arena/agents/smgrnn/graph"
	"github.com/smgrnn/arena/agents/smgrnn/spm"
	"github.com/smgrnn/arena/framework"
	"github.com/smgrnn/arena/framework/portable"
	"github.com/smgrnn/arena/framework/spacejson"
)

// portableTopology is an SMGrNN in arena's portable student format
// (framework/portable), its nodes and edges in execution order. With
// tensors "weight" (one per edge, in that order) and "bias" (one per node
// that is not an input, in that order), the student's action for an
// observation x is:
//
//	x ← (x − center) · invHalf   per bounded dimension, when scale_inputs
//	                             (both bounds finite and inside float32)
//	a[i] = x[i]                  for the inputs, nodes 0..inputs-1
//	a[j] = bias + Σ w·a[src]     for each later node j in order, adding its
//	                             incoming edges in their order; hidden
//	                             nodes then apply the activation
//	outputs: the last `outputs` nodes, read by the same head as the MLP's
//	(Discrete: start + first argmax; Box: tanh-squashed where both bounds
//	are finite, clamped)
//
// Node and edge IDs are kept, so the network loads back unchanged.
type portableTopology struct {
	Kind        string                `json:"kind"`
	Inputs      int                   `json:"inputs"`
	Outputs     int                   `json:"outputs"`
	Activation  activation.Activation `json:"activation"`
	ScaleInputs bool                  `json:"scale_inputs"`
	ObsSpace    *spacejson.Space      `json:"observation_space"`
	ActSpace    *spacejson.Space      `json:"action_space"`
	NextNode    int                   `json:"next_node"`
	NextEdge    int                   `json:"next_edge"`
	// Nodes are [id, kind] with kind "input", "hidden" or "output".
	Nodes [][2]any `json:"nodes"`
	// Edges are [id, source node index, destination node index].
	Edges [][3]int `json:"edges"`
}

var _ framework.Portable = (*Student)(nil)

// SavePortable implements framework.Portable.
func (s *Student) SavePortable(w io.Writer) error {
	obs, err := spacejson.Encode(s.obs)
	if err != nil {
		return fmt.Errorf("smgrnn: save observation space: %w", err)
	}
	act, err := spacejson.Encode(s.act)
	if err != nil {
		return fmt.Errorf("smgrnn: save action space: %w", err)
	}
	n := s.net
	topo := portableTopology{Kind: Kind, Inputs: n.NIn, Outputs: n.NOut, Activation: n.Act, ScaleInputs: s.set.ScaleInputs,
		ObsSpace: obs, ActSpace: act, NextNode: n.NextNode, NextEdge: n.NextEdge,
		Nodes: make([][2]any, len(n.NodeID)), Edges: make([][3]int, len(n.EdgeID))}
	for j, id := range n.NodeID {
		topo.Nodes[j] = [2]any{id, n.Kind[j].String()}
	}
	for e, id := range n.EdgeID {
		topo.Edges[e] = [3]int{id, int(n.Src[e]), int(n.Dst[e])}
	}
	ne := len(n.EdgeID)
	ts := []portable.Tensor{
		{Name: "weight", Shape: []int{ne}, Data: n.P[:ne]},
		{Name: "bias", Shape: []int{len(n.P) - ne}, Data: n.P[ne:]},
	}
	if err := portable.Write(w, topo, ts); err != nil {
		return fmt.Errorf("smgrnn: %w", err)
	}
	return nil
}

// loadPortable replaces the network by a portable student's, which must
// have this student's spaces, activation and input scaling. Adam's moments,
// the SPM's statistics and the edit history start afresh; the step count
// restarts at 0. On error the student is unchanged.
func (s *Student) loadPortable(data []byte) error {
	m, err := portable.Read(data)
	if err != nil {
		return fmt.Errorf("smgrnn: load: %w", err)
	}
	var topo portableTopology
	if err := m.DecodeTopology(&topo); err != nil {
		return fmt.Errorf("smgrnn: load: topology: %w", err)
	}
	if topo.Kind != Kind {
		return fmt.Errorf("smgrnn: load: a portable %q student, not %q", topo.Kind, Kind)
	}
	if err := portable.CheckSpaces(topo.ObsSpace, topo.ActSpace, s.obs, s.act); err != nil {
		return fmt.Errorf("smgrnn: load: %w", err)
	}
	if topo.Inputs != s.obsDim || topo.Outputs != s.head.Outputs() {
		return fmt.Errorf("smgrnn: load: network has %d inputs and %d outputs, student needs %d and %d", topo.Inputs, topo.Outputs, s.obsDim, s.head.Outputs())
	}
	if topo.ScaleInputs != s.set.ScaleInputs || topo.Activation != s.net.Act {
		return fmt.Errorf("smgrnn: load: activation %s scale_inputs=%v, this student has %s scale_inputs=%v", topo.Activation, topo.ScaleInputs, s.net.Act, s.set.ScaleInputs)
	}
	wt, bias := m.Tensor("weight"), m.Tensor("bias")
	nn, ne := len(topo.Nodes), len(topo.Edges)
	if wt == nil || bias == nil || len(m.Tensors) != 2 || !slices.Equal(wt.Shape, []int{ne}) || !slices.Equal(bias.Shape, []int{nn - topo.Inputs}) {
		return fmt.Errorf("smgrnn: load: want tensors weight [%d] and bias [%d] for %d nodes and %d edges", ne, nn-topo.Inputs, nn, ne)
	}
	nodes := make([]graph.Node, nn)
	for j, rec := range topo.Nodes {
		id, err := rec[0].(json.Number).Int64()
		if err != nil {
			return fmt.Errorf("smgrnn: load: node %d: id %v", j, rec[0])
		}
		name, _ := rec[1].(string)
		var kind graph.Kind
		switch {
		case name == graph.Input.String() && j < topo.Inputs:
			kind = graph.Input
		case name == graph.Hidden.String() && j >= topo.Inputs && j < nn-topo.Outputs:
			kind = graph.Hidden
		case name == graph.Output.String() && j >= nn-topo.Outputs:
			kind = graph.Output
		default:
			return fmt.Errorf("smgrnn: load: node %d is %v, out of place", j, rec[1])
		}
		nodes[j] = graph.Node{ID: int(id), Kind: kind}
		if j >= topo.Inputs {
			nodes[j].Bias = bias.Data[j-topo.Inputs]
		}
	}
	edges := make([]graph.Edge, ne)
	for e, rec := range topo.Edges {
		src, dst := rec[1], rec[2]
		if src < 0 || src >= nn || dst < 0 || dst >= nn {
			return fmt.Errorf("smgrnn: load: edge %d joins nodes %d and %d of %d", e, src, dst, nn)
		}
		edges[e] = graph.Edge{ID: rec[0], Src: nodes[src].ID, Dst: nodes[dst].ID, W: wt.Data[e]}
	}
	g, err := graph.Build(topo.Inputs, topo.Outputs, topo.Activation, topo.NextNode, topo.NextEdge, nodes, edges)
	if err != nil {
		return fmt.Errorf("smgrnn: load: %w", err)
	}
	net, _, err := graph.Compile(g)
	if err != nil {
		return fmt.Errorf("smgrnn: load: %w", err)
	}
	tmp := *s
	tmp.net, tmp.step, tmp.events, tmp.counts, tmp.mon = net, 0, nil, map[string]int{}, nil
	if tmp.period > 0 {
		newMon := spm.NewMonitor
		if tmp.pruneGrad != tmp.gradSignal {
			newMon = spm.NewMonitorSecond
		}
		if tmp.mon, err = newMon(tmp.window, net.NumEdges(), net.NumNodes()); err != nil {
			return fmt.Errorf("smgrnn: load: %w", err)
		}
	}
	*s = tmp
	return nil
}
