// Package graph holds SMGrNN's network: an editable directed acyclic graph
// of input, hidden and output nodes with stable IDs (Graph), and the
// compiled execution plan that trains on whole minibatches (Net).
//
// The two forms split the work the way SharpNEAT does: structural edits are
// rare (every SPM period) and happen on the Graph, which uses maps and is
// easy to reason about; forward and backward passes are frequent and run on
// the Net, whose nodes sit in topological order and whose edges are flat
// arrays grouped by destination, with no maps or pointers in the hot loops.
// Compile turns a Graph into a Net and reports, for every new edge and node
// slot, the slot it came from, so state kept outside the Net (the SPM's
// statistics) can follow its edges through the rebuild.
package graph

import (
	"errors"
	"fmt"
	"slices"

	"github.com/smgrnn/arena/agents/activation"
)

// Kind is a node's role.
type Kind uint8

const (
	// Input nodes hold one observation value each and have no incoming edges.
	Input Kind = iota
	// Hidden nodes apply the activation to their bias plus weighted inputs.
	Hidden
	// Output nodes are linear (bias plus weighted inputs) and have no
	// outgoing edges; their values are the raw outputs the head reads.
	Output
)

// String names the kind as it appears in exports.
func (k Kind) String() string {
	switch k {
	case Input:
		return "input"
	case Hidden:
		return "hidden"
	case Output:
		return "output"
	}
	return fmt.Sprintf("kind(%d)", k)
}

// Node is one neuron with the optimizer state of its bias.
type Node struct {
	ID   int
	Kind Kind
	// Bias is unused (zero) on input nodes.
	Bias float64
	// M and V are the Adam moments of the bias.
	M, V float64
	// Born is the training step at which the node was created.
	Born int64
	// In and Out count the node's incoming and outgoing edges.
	In, Out int
	// slot is the node's index in the Net it was read from, -1 if new.
	slot int
}

// Slot is the node's index in the Net the graph was read from, or -1 for a
// node added since.
func (n *Node) Slot() int { return n.slot }

// Edge is one weighted connection with its Adam moments.
type Edge struct {
	ID       int
	Src, Dst int // node IDs
	W        float64
	M, V     float64
	Born     int64
	slot     int
}

// Slot is the edge's index in the Net the graph was read from, or -1 for an
// edge added since.
func (e *Edge) Slot() int { return e.slot }

// Graph is an editable network. Nodes and edges are kept in increasing ID
// order, so iterating over them is deterministic. Input node IDs are
// 0..NIn-1 and output node IDs NIn..NIn+NOut-1; hidden nodes and edges get
// fresh IDs that are never reused.
type Graph struct {
	NIn, NOut int
	Act       activation.Activation
	// NextNode and NextEdge are the IDs the next new node and edge get.
	NextNode, NextEdge int

	nodes  []Node
	edges  []Edge
	nodeAt map[int]int    // node ID -> index in nodes
	edgeAt map[int]int    // edge ID -> index in edges
	pair   map[[2]int]int // (src, dst) -> edge ID
	outs   map[int][]int  // node ID -> IDs of outgoing edges
}

// New returns a graph with nIn inputs, nOut outputs and no edges.
func New(nIn, nOut int, act activation.Activation) (*Graph, error) {
	if nIn < 1 || nOut < 1 {
		return nil, fmt.Errorf("graph: need at least one input and one output, got %d and %d", nIn, nOut)
	}
	g := &Graph{NIn: nIn, NOut: nOut, Act: act, NextNode: nIn + nOut}
	g.reset()
	for i := 0; i < nIn; i++ {
		g.nodes = append(g.nodes, Node{ID: i, Kind: Input, slot: -1})
	}
	for k := 0; k < nOut; k++ {
		g.nodes = append(g.nodes, Node{ID: nIn + k, Kind: Output, slot: -1})
	}
	g.reindex()
	return g, nil
}

func (g *Graph) reset() {
	g.nodeAt = map[int]int{}
	g.edgeAt = map[int]int{}
	g.pair = map[[2]int]int{}
	g.outs = map[int][]int{}
}

// reindex rebuilds the lookup maps from the node and edge slices.
func (g *Graph) reindex() {
	g.reset()
	for i := range g.nodes {
		g.nodeAt[g.nodes[i].ID] = i
	}
	for i := range g.edges {
		e := &g.edges[i]
		g.edgeAt[e.ID] = i
		g.pair[[2]int{e.Src, e.Dst}] = e.ID
		g.outs[e.Src] = append(g.outs[e.Src], e.ID)
	}
}

// Clone returns a deep copy, so an edit can be tried and discarded.
func (g *Graph) Clone() *Graph {
	c := &Graph{NIn: g.NIn, NOut: g.NOut, Act: g.Act, NextNode: g.NextNode, NextEdge: g.NextEdge}
	c.nodes = slices.Clone(g.nodes)
	c.edges = slices.Clone(g.edges)
	c.reindex()
	return c
}

// Nodes returns the nodes in ID order. The slice is the graph's own: read
// it, and change only weights, biases and moments through it.
func (g *Graph) Nodes() []Node { return g.nodes }

// Edges returns the edges in ID order (same caveat as Nodes).
func (g *Graph) Edges() []Edge { return g.edges }

// NumHidden counts hidden nodes.
func (g *Graph) NumHidden() int { return len(g.nodes) - g.NIn - g.NOut }

// NumEdges counts edges.
func (g *Graph) NumEdges() int { return len(g.edges) }

// Node returns the node with the given ID, or nil.
func (g *Graph) Node(id int) *Node {
	i, ok := g.nodeAt[id]
	if !ok {
		return nil
	}
	return &g.nodes[i]
}

// Edge returns the edge with the given ID, or nil.
func (g *Graph) Edge(id int) *Edge {
	i, ok := g.edgeAt[id]
	if !ok {
		return nil
	}
	return &g.edges[i]
}

// Between returns the ID of the edge src→dst, if there is one.
func (g *Graph) Between(src, dst int) (int, bool) {
	id, ok := g.pair[[2]int{src, dst}]
	return id, ok
}

// OutEdges returns the IDs of the node's outgoing edges in ID order.
func (g *Graph) OutEdges(id int) []int {
	out := slices.Clone(g.outs[id])
	slices.Sort(out)
	return out
}

// InEdges returns the IDs of the node's incoming edges in ID order.
func (g *Graph) InEdges(id int) []int {
	var in []int
	for i := range g.edges {
		if g.edges[i].Dst == id {
			in = append(in, g.edges[i].ID)
		}
	}
	return in
}

// AddHidden adds a hidden node and returns its ID.
func (g *Graph) AddHidden(bias float64, born int64) int {
	id := g.NextNode
	g.NextNode++
	g.nodes = append(g.nodes, Node{ID: id, Kind: Hidden, Bias: bias, Born: born, slot: -1})
	g.nodeAt[id] = len(g.nodes) - 1
	return id
}

// Errors AddEdge returns for a connection the graph cannot take.
var (
	ErrDuplicate = errors.New("graph: edge already exists")
	ErrCycle     = errors.New("graph: edge would close a cycle")
)

// CanAdd reports why src→dst cannot be added, or nil when it can.
func (g *Graph) CanAdd(src, dst int) error {
	s, d := g.Node(src), g.Node(dst)
	switch {
	case s == nil || d == nil:
		return fmt.Errorf("graph: edge %d→%d names a missing node", src, dst)
	case s.Kind == Output:
		return fmt.Errorf("graph: edge %d→%d leaves an output", src, dst)
	case d.Kind == Input:
		return fmt.Errorf("graph: edge %d→%d enters an input", src, dst)
	case src == dst:
		return fmt.Errorf("graph: self-loop on %d: %w", src, ErrCycle)
	}
	if _, dup := g.pair[[2]int{src, dst}]; dup {
		return fmt.Errorf("graph: %d→%d: %w", src, dst, ErrDuplicate)
	}
	if g.Reaches(dst, src) {
		return fmt.Errorf("graph: %d→%d: %w", src, dst, ErrCycle)
	}
	return nil
}

// AddEdge adds src→dst with weight w and returns its ID. It refuses an
// edge that would duplicate another, close a cycle, leave an output or
// enter an input.
func (g *Graph) AddEdge(src, dst int, w float64, born int64) (int, error) {
	if err := g.CanAdd(src, dst); err != nil {
		return 0, err
	}
	id := g.NextEdge
	g.NextEdge++
	g.edges = append(g.edges, Edge{ID: id, Src: src, Dst: dst, W: w, Born: born, slot: -1})
	g.edgeAt[id] = len(g.edges) - 1
	g.pair[[2]int{src, dst}] = id
	g.outs[src] = append(g.outs[src], id)
	g.Node(src).Out++
	g.Node(dst).In++
	return id, nil
}

// Reaches reports whether a directed path leads from node a to node b.
func (g *Graph) Reaches(a, b int) bool {
	if a == b {
		return true
	}
	seen := map[int]bool{a: true}
	stack := []int{a}
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, eid := range g.outs[n] {
			d := g.edges[g.edgeAt[eid]].Dst
			if d == b {
				return true
			}
			if !seen[d] {
				seen[d] = true
				stack = append(stack, d)
			}
		}
	}
	return false
}

// RemoveEdge deletes an edge. It leaves the end nodes in place, even when
// that strands them; see Prune.
func (g *Graph) RemoveEdge(id int) error {
	i, ok := g.edgeAt[id]
	if !ok {
		return fmt.Errorf("graph: no edge %d", id)
	}
	e := g.edges[i]
	g.edges = slices.Delete(g.edges, i, i+1)
	g.Node(e.Src).Out--
	g.Node(e.Dst).In--
	g.reindex()
	return nil
}

// RemoveNode deletes a hidden node after adding its constant value c times
// each outgoing weight to the target's bias. When the node's value is
// constant c (no incoming edges, or a dead neuron), the network's function
// is unchanged. Its incoming and outgoing edges are deleted with it.
func (g *Graph) RemoveNode(id int, c float64) error {
	n := g.Node(id)
	if n == nil {
		return fmt.Errorf("graph: no node %d", id)
	}
	if n.Kind != Hidden {
		return fmt.Errorf("graph: node %d is an %s, only hidden nodes can be removed", id, n.Kind)
	}
	kept := g.edges[:0]
	for _, e := range g.edges {
		switch {
		case e.Src == id:
			d := g.Node(e.Dst)
			d.Bias += e.W * c
			d.In--
		case e.Dst == id:
			g.Node(e.Src).Out--
		default:
			kept = append(kept, e)
		}
	}
	g.edges = kept
	i := g.nodeAt[id]
	g.nodes = slices.Delete(g.nodes, i, i+1)
	g.reindex()
	return nil
}

// Stranded returns the hidden nodes, in ID order, that have no incoming or
// no outgoing edge.
func (g *Graph) Stranded() []int {
	var ids []int
	for i := range g.nodes {
		n := &g.nodes[i]
		if n.Kind == Hidden && (n.In == 0 || n.Out == 0) {
			ids = append(ids, n.ID)
		}
	}
	return ids
}

// RemoveStranded removes stranded hidden nodes repeatedly until none is
// left, and returns the removed IDs in removal order. A node without
// incoming edges holds the constant act(bias), which is folded into its
// targets' biases, so this never changes the network's function.
func (g *Graph) RemoveStranded() []int {
	var removed []int
	for {
		ids := g.Stranded()
		if len(ids) == 0 {
			return removed
		}
		for _, id := range ids {
			n := g.Node(id)
			if n == nil {
				continue
			}
			c := 0.0
			if n.In == 0 {
				c = g.Act.Value(n.Bias)
			}
			// Removal cannot fail: the node exists and is hidden.
			_ = g.RemoveNode(id, c)
			removed = append(removed, id)
		}
	}
}

// OutputsFed reports whether every output has at least one incoming edge.
// Together with every hidden node having incoming and outgoing edges, this
// makes every output reachable from the inputs.
func (g *Graph) OutputsFed() bool {
	for i := range g.nodes {
		if g.nodes[i].Kind == Output && g.nodes[i].In == 0 {
			return false
		}
	}
	return true
}

// Check verifies the graph's invariants: consistent indexes and degrees,
// edge kinds, no duplicate edge, no cycle, every hidden node with incoming
// and outgoing edges and every output fed. It is for tests and for
// validating checkpoints; edits keep the invariants by construction except
// the stranding ones, which Prune restores.
func (g *Graph) Check() error {
	in := map[int]int{}
	out := map[int]int{}
	seen := map[[2]int]bool{}
	for i, n := range g.nodes {
		if i > 0 && n.ID <= g.nodes[i-1].ID {
			return fmt.Errorf("graph: nodes out of ID order at %d", n.ID)
		}
		if n.ID >= g.NextNode {
			return fmt.Errorf("graph: node %d not below NextNode %d", n.ID, g.NextNode)
		}
		want := Hidden
		switch {
		case n.ID < g.NIn:
			want = Input
		case n.ID < g.NIn+g.NOut:
			want = Output
		}
		if n.Kind != want {
			return fmt.Errorf("graph: node %d is %s, want %s", n.ID, n.Kind, want)
		}
	}
	for id := 0; id < g.NIn+g.NOut; id++ {
		if g.Node(id) == nil {
			return fmt.Errorf("graph: input or output node %d missing", id)
		}
	}
	for i, e := range g.edges {
		if i > 0 && e.ID <= g.edges[i-1].ID {
			return fmt.Errorf("graph: edges out of ID order at %d", e.ID)
		}
		if e.ID >= g.NextEdge {
			return fmt.Errorf("graph: edge %d not below NextEdge %d", e.ID, g.NextEdge)
		}
		s, d := g.Node(e.Src), g.Node(e.Dst)
		if s == nil || d == nil {
			return fmt.Errorf("graph: edge %d names a missing node", e.ID)
		}
		if s.Kind == Output || d.Kind == Input || e.Src == e.Dst {
			return fmt.Errorf("graph: edge %d %d→%d has a bad direction", e.ID, e.Src, e.Dst)
		}
		k := [2]int{e.Src, e.Dst}
		if seen[k] {
			return fmt.Errorf("graph: duplicate edge %d→%d", e.Src, e.Dst)
		}
		seen[k] = true
		out[e.Src]++
		in[e.Dst]++
	}
	for _, n := range g.nodes {
		if n.In != in[n.ID] || n.Out != out[n.ID] {
			return fmt.Errorf("graph: node %d degree counts %d/%d, edges say %d/%d", n.ID, n.In, n.Out, in[n.ID], out[n.ID])
		}
		if n.Kind == Hidden && (n.In == 0 || n.Out == 0) {
			return fmt.Errorf("graph: hidden node %d is stranded (in %d, out %d)", n.ID, n.In, n.Out)
		}
		if n.Kind == Output && n.In == 0 {
			return fmt.Errorf("graph: output %d has no incoming edge", n.ID)
		}
	}
	if _, err := g.levels(); err != nil {
		return err
	}
	return nil
}

// levels returns each node's topological level (inputs 0, any other node
// one more than its deepest source), or an error on a cycle.
func (g *Graph) levels() (map[int]int, error) {
	indeg := make(map[int]int, len(g.nodes))
	for _, e := range g.edges {
		indeg[e.Dst]++
	}
	level := make(map[int]int, len(g.nodes))
	queue := make([]int, 0, len(g.nodes))
	for _, n := range g.nodes {
		if indeg[n.ID] == 0 {
			queue = append(queue, n.ID)
		}
	}
	done := 0
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		done++
		for _, eid := range g.outs[n] {
			d := g.edges[g.edgeAt[eid]].Dst
			if l := level[n] + 1; l > level[d] {
				level[d] = l
			}
			indeg[d]--
			if indeg[d] == 0 {
				queue = append(queue, d)
			}
		}
	}
	if done != len(g.nodes) {
		return nil, ErrCycle
	}
	return level, nil
}

// Build assembles a graph from node and edge records (e.g. a checkpoint),
// recomputing degree counts, and verifies every invariant.
func Build(nIn, nOut int, act activation.Activation, nextNode, nextEdge int, nodes []Node, edges []Edge) (*Graph, error) {
	g := &Graph{NIn: nIn, NOut: nOut, Act: act, NextNode: nextNode, NextEdge: nextEdge}
	g.nodes = slices.Clone(nodes)
	g.edges = slices.Clone(edges)
	slices.SortFunc(g.nodes, func(a, b Node) int { return a.ID - b.ID })
	slices.SortFunc(g.edges, func(a, b Edge) int { return a.ID - b.ID })
	for i := range g.nodes {
		g.nodes[i].In, g.nodes[i].Out, g.nodes[i].slot = 0, 0, -1
	}
	g.reindex()
	for i := range g.edges {
		e := &g.edges[i]
		e.slot = -1
		s, d := g.Node(e.Src), g.Node(e.Dst)
		if s == nil || d == nil {
			return nil, fmt.Errorf("graph: edge %d names a missing node", e.ID)
		}
		s.Out++
		d.In++
	}
	if err := g.Check(); err != nil {
		return nil, err
	}
	return g, nil
}
