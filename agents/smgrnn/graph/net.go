package graph

import (
	"fmt"
	"slices"

	"github.com/smgrnn/arena/agents/activation"
)

// Net is a compiled network: the execution plan plus the trainable
// parameters and their Adam moments, all in flat arrays.
//
// Node slots: inputs 0..NIn-1 (input i in slot i), then hidden nodes by
// topological level and ID, then outputs (output k in slot
// len(NodeID)-NOut+k). Every edge's source slot is below its destination
// slot. Edge slots are grouped by destination (then ordered by source),
// and InStart[j]..InStart[j+1] are node j's incoming edges, so the forward
// pass finishes each node before any node that reads it.
//
// Parameters: P[:E] are the edge weights (E = len(EdgeID)), P[E+j-NIn] is
// the bias of node slot j ≥ NIn. M and V are the Adam moments, aligned
// with P, so one optimizer call updates everything.
type Net struct {
	NIn, NOut          int
	Act                activation.Activation
	NextNode, NextEdge int

	NodeID   []int
	Kind     []Kind
	NodeBorn []int64
	// Level is each node's topological level (inputs 0); outputs all sit
	// one level past the deepest hidden node.
	Level []int32

	EdgeID   []int
	Src, Dst []int32 // node slots
	EdgeBorn []int64
	InStart  []int32 // len(NodeID)+1

	P, M, V []float64
}

// Remap says where each slot of a freshly compiled Net came from: the slot
// in the Net the Graph was read from, or -1 for a new edge or node. State
// aligned with slots (the SPM's statistics) is carried over with it.
type Remap struct {
	EdgeFrom []int
	NodeFrom []int
}

// NumEdges counts edges.
func (n *Net) NumEdges() int { return len(n.EdgeID) }

// NumNodes counts all nodes, inputs included.
func (n *Net) NumNodes() int { return len(n.NodeID) }

// NumHidden counts hidden nodes.
func (n *Net) NumHidden() int { return len(n.NodeID) - n.NIn - n.NOut }

// NumParams counts trainable parameters: weights plus the biases of hidden
// and output nodes.
func (n *Net) NumParams() int { return len(n.P) }

// Weights returns the edge weights (a view into P).
func (n *Net) Weights() []float64 { return n.P[:len(n.EdgeID)] }

// BiasIndex is the index in P of node slot j's bias (j ≥ NIn).
func (n *Net) BiasIndex(j int) int { return len(n.EdgeID) + j - n.NIn }

// OutputSlot is the node slot of output k.
func (n *Net) OutputSlot(k int) int { return len(n.NodeID) - n.NOut + k }

// Compile builds the execution plan of g. g must satisfy Check; Compile
// verifies the parts the plan relies on (acyclic, edge directions) and
// returns an error otherwise.
func Compile(g *Graph) (*Net, Remap, error) {
	level, err := g.levels()
	if err != nil {
		return nil, Remap{}, fmt.Errorf("graph: compile: %w", err)
	}
	var hidden, outputs []*Node
	maxHidden := 0
	for i := range g.nodes {
		nd := &g.nodes[i]
		switch nd.Kind {
		case Hidden:
			hidden = append(hidden, nd)
			maxHidden = max(maxHidden, level[nd.ID])
		case Output:
			outputs = append(outputs, nd)
		}
	}
	// Nodes are already in ID order; a stable sort by level keeps ID order
	// within a level, so the plan is a pure function of the graph.
	slices.SortStableFunc(hidden, func(a, b *Node) int { return level[a.ID] - level[b.ID] })

	nn := len(g.nodes)
	net := &Net{NIn: g.NIn, NOut: g.NOut, Act: g.Act, NextNode: g.NextNode, NextEdge: g.NextEdge,
		NodeID: make([]int, 0, nn), Kind: make([]Kind, 0, nn), NodeBorn: make([]int64, 0, nn), Level: make([]int32, 0, nn)}
	rm := Remap{NodeFrom: make([]int, 0, nn)}
	slot := make(map[int]int, nn)
	add := func(nd *Node, lvl int) {
		slot[nd.ID] = len(net.NodeID)
		net.NodeID = append(net.NodeID, nd.ID)
		net.Kind = append(net.Kind, nd.Kind)
		net.NodeBorn = append(net.NodeBorn, nd.Born)
		net.Level = append(net.Level, int32(lvl))
		rm.NodeFrom = append(rm.NodeFrom, nd.slot)
	}
	for i := 0; i < g.NIn; i++ {
		nd := g.Node(i)
		if nd == nil || nd.Kind != Input {
			return nil, Remap{}, fmt.Errorf("graph: compile: input %d missing", i)
		}
		add(nd, 0)
	}
	for _, nd := range hidden {
		add(nd, level[nd.ID])
	}
	for _, nd := range outputs {
		add(nd, maxHidden+1)
	}
	if len(outputs) != g.NOut {
		return nil, Remap{}, fmt.Errorf("graph: compile: %d outputs, want %d", len(outputs), g.NOut)
	}

	type ref struct {
		e    *Edge
		s, d int
	}
	refs := make([]ref, len(g.edges))
	for i := range g.edges {
		e := &g.edges[i]
		s, d := slot[e.Src], slot[e.Dst]
		if s >= d || net.Kind[d] == Input || net.Kind[s] == Output {
			return nil, Remap{}, fmt.Errorf("graph: compile: edge %d (%d→%d) against the topological order", e.ID, e.Src, e.Dst)
		}
		refs[i] = ref{e, s, d}
	}
	slices.SortFunc(refs, func(a, b ref) int {
		if a.d != b.d {
			return a.d - b.d
		}
		return a.s - b.s
	})
	ne := len(refs)
	np := ne + nn - g.NIn
	net.EdgeID = make([]int, ne)
	net.Src = make([]int32, ne)
	net.Dst = make([]int32, ne)
	net.EdgeBorn = make([]int64, ne)
	net.InStart = make([]int32, nn+1)
	net.P = make([]float64, np)
	net.M = make([]float64, np)
	net.V = make([]float64, np)
	rm.EdgeFrom = make([]int, ne)
	for i, r := range refs {
		net.EdgeID[i] = r.e.ID
		net.Src[i] = int32(r.s)
		net.Dst[i] = int32(r.d)
		net.EdgeBorn[i] = r.e.Born
		net.P[i], net.M[i], net.V[i] = r.e.W, r.e.M, r.e.V
		rm.EdgeFrom[i] = r.e.slot
		net.InStart[r.d+1]++
	}
	for j := 0; j < nn; j++ {
		net.InStart[j+1] += net.InStart[j]
	}
	for j := g.NIn; j < nn; j++ {
		nd := g.Node(net.NodeID[j])
		b := net.BiasIndex(j)
		net.P[b], net.M[b], net.V[b] = nd.Bias, nd.M, nd.V
	}
	return net, rm, nil
}

// Graph returns an editable copy of the network, with each node and edge
// remembering its slot here.
func (n *Net) Graph() *Graph {
	g := &Graph{NIn: n.NIn, NOut: n.NOut, Act: n.Act, NextNode: n.NextNode, NextEdge: n.NextEdge}
	g.nodes = make([]Node, len(n.NodeID))
	for j := range n.NodeID {
		nd := Node{ID: n.NodeID[j], Kind: n.Kind[j], Born: n.NodeBorn[j], slot: j}
		if j >= n.NIn {
			b := n.BiasIndex(j)
			nd.Bias, nd.M, nd.V = n.P[b], n.M[b], n.V[b]
		}
		g.nodes[j] = nd
	}
	g.edges = make([]Edge, len(n.EdgeID))
	for i := range n.EdgeID {
		s, d := int(n.Src[i]), int(n.Dst[i])
		g.edges[i] = Edge{ID: n.EdgeID[i], Src: n.NodeID[s], Dst: n.NodeID[d], W: n.P[i], M: n.M[i], V: n.V[i], Born: n.EdgeBorn[i], slot: i}
		g.nodes[s].Out++
		g.nodes[d].In++
	}
	slices.SortFunc(g.nodes, func(a, b Node) int { return a.ID - b.ID })
	slices.SortFunc(g.edges, func(a, b Edge) int { return a.ID - b.ID })
	g.reindex()
	return g
}

// Check verifies that the plan is consistent: array lengths, slot order of
// nodes (inputs, hidden by level, outputs) and edges (grouped by
// destination, sources before destinations), InStart offsets, unique IDs,
// no duplicate edge, and the graph invariants.
func (n *Net) Check() error {
	nn, ne := len(n.NodeID), len(n.EdgeID)
	if len(n.Kind) != nn || len(n.NodeBorn) != nn || len(n.Level) != nn || len(n.InStart) != nn+1 {
		return fmt.Errorf("graph: plan: node arrays of different lengths")
	}
	if len(n.Src) != ne || len(n.Dst) != ne || len(n.EdgeBorn) != ne {
		return fmt.Errorf("graph: plan: edge arrays of different lengths")
	}
	if np := ne + nn - n.NIn; len(n.P) != np || len(n.M) != np || len(n.V) != np {
		return fmt.Errorf("graph: plan: %d/%d/%d parameters and moments, want %d", len(n.P), len(n.M), len(n.V), np)
	}
	if nn < n.NIn+n.NOut {
		return fmt.Errorf("graph: plan: %d nodes for %d inputs and %d outputs", nn, n.NIn, n.NOut)
	}
	for j := 0; j < nn; j++ {
		want := Hidden
		switch {
		case j < n.NIn:
			want = Input
			if n.NodeID[j] != j {
				return fmt.Errorf("graph: plan: slot %d holds node %d, want input %d", j, n.NodeID[j], j)
			}
		case j >= nn-n.NOut:
			want = Output
			if k := j - (nn - n.NOut); n.NodeID[j] != n.NIn+k {
				return fmt.Errorf("graph: plan: slot %d holds node %d, want output %d", j, n.NodeID[j], k)
			}
		}
		if n.Kind[j] != want {
			return fmt.Errorf("graph: plan: slot %d is %s, want %s", j, n.Kind[j], want)
		}
		if j > 0 && n.Level[j] < n.Level[j-1] {
			return fmt.Errorf("graph: plan: levels decrease at slot %d", j)
		}
		if n.InStart[j+1] < n.InStart[j] {
			return fmt.Errorf("graph: plan: InStart decreases at slot %d", j)
		}
		for e := n.InStart[j]; e < n.InStart[j+1]; e++ {
			if int(n.Dst[e]) != j {
				return fmt.Errorf("graph: plan: edge slot %d in node %d's range has destination %d", e, j, n.Dst[e])
			}
			if n.Level[n.Src[e]] >= n.Level[j] {
				return fmt.Errorf("graph: plan: edge slot %d from level %d to %d", e, n.Level[n.Src[e]], n.Level[j])
			}
			if e > n.InStart[j] && n.Src[e] <= n.Src[e-1] {
				return fmt.Errorf("graph: plan: duplicate or unordered sources into slot %d", j)
			}
		}
	}
	if n.InStart[0] != 0 || int(n.InStart[nn]) != ne {
		return fmt.Errorf("graph: plan: InStart does not cover the edges")
	}
	ids := map[int]bool{}
	for _, id := range n.NodeID {
		if ids[id] || id >= n.NextNode {
			return fmt.Errorf("graph: plan: node ID %d repeated or not below NextNode", id)
		}
		ids[id] = true
	}
	ids = map[int]bool{}
	for _, id := range n.EdgeID {
		if ids[id] || id >= n.NextEdge {
			return fmt.Errorf("graph: plan: edge ID %d repeated or not below NextEdge", id)
		}
		ids[id] = true
	}
	return n.Graph().Check()
}
