package smgrnn

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math"

	"github.com/smgrnn/arena/agents/smgrnn/graph"
	"github.com/smgrnn/arena/agents/smgrnn/spm"
)

// DOT implements framework.Structural: the network in Graphviz DOT, inputs
// on the left, outputs on the right, hidden neurons labelled with their ID
// and bias, edges labelled with their weight (blue positive, red negative,
// width growing with |w|).
func (s *Student) DOT(w io.Writer) error {
	net := s.net
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "digraph smgrnn {\n  rankdir=LR;\n  node [fontsize=10];\n")
	fmt.Fprintf(bw, "  // step %d, strategy %s, %d hidden, %d edges, %d parameters\n",
		s.step, s.strat.Name(), net.NumHidden(), net.NumEdges(), net.NumParams())
	fmt.Fprintf(bw, "  { rank=source;")
	for j := 0; j < net.NIn; j++ {
		fmt.Fprintf(bw, " n%d [label=\"in%d\", shape=box];", net.NodeID[j], j)
	}
	fmt.Fprintf(bw, " }\n")
	for j := net.NIn; j < net.NumNodes()-net.NOut; j++ {
		fmt.Fprintf(bw, "  n%d [label=\"h%d\\nb=%.3g\", shape=circle];\n", net.NodeID[j], net.NodeID[j], net.P[net.BiasIndex(j)])
	}
	fmt.Fprintf(bw, "  { rank=sink;")
	for k := 0; k < net.NOut; k++ {
		j := net.OutputSlot(k)
		fmt.Fprintf(bw, " n%d [label=\"out%d\\nb=%.3g\", shape=doublecircle];", net.NodeID[j], k, net.P[net.BiasIndex(j)])
	}
	fmt.Fprintf(bw, " }\n")
	for e := range net.EdgeID {
		wt := net.P[e]
		color := "blue"
		if wt < 0 {
			color = "red"
		}
		fmt.Fprintf(bw, "  n%d -> n%d [label=\"%.3g\", color=%s, penwidth=%.2f];\n",
			net.NodeID[net.Src[e]], net.NodeID[net.Dst[e]], wt, color, 0.5+math.Min(3, 2*math.Abs(wt)))
	}
	fmt.Fprintf(bw, "}\n")
	return bw.Flush()
}

// Export is the JSON form of a student's network and its edit history.
type Export struct {
	Step       int64          `json:"step"`
	Strategy   string         `json:"strategy"`
	Activation string         `json:"activation"`
	Inputs     int            `json:"inputs"`
	Outputs    int            `json:"outputs"`
	Params     int            `json:"params"`
	Nodes      []ExportNode   `json:"nodes"`
	Edges      []ExportEdge   `json:"edges"`
	Counts     map[string]int `json:"event_counts"`
	Events     []spm.Event    `json:"events"`
}

// ExportNode is one neuron in an Export; Bias is absent on inputs.
type ExportNode struct {
	ID    int      `json:"id"`
	Kind  string   `json:"kind"`
	Level int      `json:"level"`
	Bias  *float64 `json:"bias,omitempty"`
	Born  int64    `json:"born"`
}

// ExportEdge is one connection in an Export.
type ExportEdge struct {
	ID   int     `json:"id"`
	Src  int     `json:"src"`
	Dst  int     `json:"dst"`
	W    float64 `json:"w"`
	Born int64   `json:"born"`
}

// Export returns the network and its edit history in plan order.
func (s *Student) Export() Export {
	net := s.net
	x := Export{Step: s.step, Strategy: s.strat.Name(), Activation: net.Act.String(), Inputs: net.NIn, Outputs: net.NOut,
		Params: net.NumParams(), Counts: s.StructureEvents(), Events: s.Events()}
	for j, id := range net.NodeID {
		n := ExportNode{ID: id, Kind: net.Kind[j].String(), Level: int(net.Level[j]), Born: net.NodeBorn[j]}
		if net.Kind[j] != graph.Input {
			b := net.P[net.BiasIndex(j)]
			n.Bias = &b
		}
		x.Nodes = append(x.Nodes, n)
	}
	for e, id := range net.EdgeID {
		x.Edges = append(x.Edges, ExportEdge{ID: id, Src: net.NodeID[net.Src[e]], Dst: net.NodeID[net.Dst[e]], W: net.P[e], Born: net.EdgeBorn[e]})
	}
	if x.Events == nil {
		x.Events = []spm.Event{}
	}
	return x
}

// WriteJSON writes Export as indented JSON. Non-finite numbers (a diverged
// network) cannot be written and give an error.
func (s *Student) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(s.Export()); err != nil {
		return fmt.Errorf("smgrnn: export JSON: %w", err)
	}
	return nil
}
