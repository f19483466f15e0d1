package sparse

import (
	"bufio"
	"fmt"
	"io"
)

// DOT implements framework.Structural: the network in Graphviz DOT, one
// rank per layer, hidden neurons without an outgoing connection left out.
func (s *Student) DOT(w io.Writer) error {
	n := s.net
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "digraph %s {\n  rankdir=LR;\n  node [fontsize=10];\n", s.method)
	fmt.Fprintf(bw, "  // step %d, %d hidden in use, %d connections, %d parameters\n",
		s.step, n.NumHidden(), n.NumWeights(), n.NumParams())
	L := len(n.layers)
	for li := 0; li <= L; li++ {
		var width int
		var used []bool
		switch {
		case li == 0:
			width = n.layers[0].in
		default:
			width = n.layers[li-1].out
			if li < L {
				used = n.used(li - 1)
			}
		}
		fmt.Fprintf(bw, "  { rank=same;")
		for j := range width {
			switch {
			case li == 0:
				fmt.Fprintf(bw, " l0n%d [label=\"in%d\", shape=box];", j, j)
			case li == L:
				fmt.Fprintf(bw, " l%dn%d [label=\"out%d\", shape=doublecircle];", li, j, j)
			case used[j]:
				fmt.Fprintf(bw, " l%dn%d [label=\"\", shape=circle];", li, j)
			}
		}
		fmt.Fprintf(bw, " }\n")
	}
	for li, l := range n.layers {
		var used []bool
		if li+1 < L {
			used = n.used(li)
		}
		for k := range l.src {
			if used != nil && !used[l.dst[k]] {
				continue
			}
			fmt.Fprintf(bw, "  l%dn%d -> l%dn%d [label=\"%.3g\"];\n", li, l.src[k], li+1, l.dst[k], n.params[l.woff+k])
		}
	}
	fmt.Fprintf(bw, "}\n")
	return bw.Flush()
}
