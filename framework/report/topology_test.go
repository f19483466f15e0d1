package report

import (
	"bytes"
	"strings"
	"testing"
)

const smallNet = `digraph smgrnn {
  rankdir=LR;
  node [fontsize=10];
  // step 10
  { rank=source; n0 [label="in0", shape=box]; n1 [label="in1", shape=box]; }
  n5 [label="h5\nb=0.1", shape=circle];
  n6 [label="h6\nb=0.1", shape=circle];
  { rank=sink; n2 [label="out0\nb=0", shape=doublecircle]; }
  n0 -> n5 [label="0.5", color=blue, penwidth=1.50];
  n5 -> n6 [label="-2", color=red, penwidth=3.50];
  n1 -> n6 [label="0.1", color=blue, penwidth=0.70];
  n6 -> n2 [label="1", color=blue, penwidth=2.50];
  n0 -> n2 [label="0.25", color=blue, penwidth=1.00];
}
`

func TestTopologyLayout(t *testing.T) {
	n, err := parseDOT(smallNet)
	if err != nil {
		t.Fatal(err)
	}
	// Depth is the longest path from an input; outputs come last.
	for id, want := range map[string]int{"n0": 0, "n1": 0, "n5": 1, "n6": 2, "n2": 3} {
		if got := n.nodes[id].depth; got != want {
			t.Errorf("%s at depth %d, want %d", id, got, want)
		}
	}
	if n.nodes["n0"].role != roleInput || n.nodes["n2"].role != roleOutput || n.nodes["n5"].role != roleHidden {
		t.Error("roles not read from the shapes")
	}
	if n.nodes["n2"].label != "out0" || len(n.edges) != 5 || n.edges[1].w != -2 {
		t.Errorf("label %q, %d edges, second weight %v", n.nodes["n2"].label, len(n.edges), n.edges[1].w)
	}
	png, err := topologyPNG("test", smallNet)
	if err != nil || !bytes.HasPrefix(png, []byte("\x89PNG")) {
		t.Fatalf("PNG: %v", err)
	}
	// A cycle ends the layout instead of looping.
	if _, err := parseDOT("digraph {\n a -> b\n b -> a\n}"); err != nil {
		t.Fatal(err)
	}
	if _, err := parseDOT("not dot"); err == nil {
		t.Error("text with no nodes was read as a network")
	}
}

func TestUnlabelledDOT(t *testing.T) {
	out := unlabelledDOT(smallNet)
	if strings.Contains(out, `label="0.5"`) || strings.Contains(out, `label="-2"`) {
		t.Errorf("edge labels left:\n%s", out)
	}
	if !strings.Contains(out, `n0 -> n5 [color=blue, penwidth=1.50]`) || !strings.Contains(out, `label="in0"`) {
		t.Errorf("edges or node labels damaged:\n%s", out)
	}
}
