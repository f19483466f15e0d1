package report

import (
	"bytes"
	"fmt"
	"image/color"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// A network read back from a student's DOT: the report draws it itself,
// so a topology can be read without Graphviz.
type network struct {
	nodes map[string]*netNode
	order []string // node IDs in the order the DOT declares them
	edges []netEdge
}

type netNode struct {
	id, label string
	role      int // roleInput, roleHidden, roleOutput
	depth     int
	pos       float64 // position within its layer, 0..1
}

type netEdge struct {
	src, dst string
	w        float64
}

const (
	roleInput = iota
	roleHidden
	roleOutput
)

var (
	dotEdge  = regexp.MustCompile(`^\s*"?([A-Za-z0-9_]+)"?\s*->\s*"?([A-Za-z0-9_]+)"?\s*(\[(.*)\])?`)
	dotNode  = regexp.MustCompile(`"?([A-Za-z0-9_]+)"?\s*\[([^\]]*)\]`)
	dotAttrs = regexp.MustCompile(`([a-z]+)\s*=\s*("([^"]*)"|[^,\s\]]+)`)
)

// parseDOT reads the DOT that arena's structural students write: node
// statements with a label and a shape (box for inputs, doublecircle for
// outputs), and edges whose label, or failing that penwidth, is the weight
// and whose colour red marks a negative one.
func parseDOT(src string) (*network, error) {
	n := &network{nodes: map[string]*netNode{}}
	add := func(id string) *netNode {
		if nd := n.nodes[id]; nd != nil {
			return nd
		}
		nd := &netNode{id: id, label: id, role: roleHidden}
		n.nodes[id] = nd
		n.order = append(n.order, id)
		return nd
	}
	attrs := func(s string) map[string]string {
		out := map[string]string{}
		for _, m := range dotAttrs.FindAllStringSubmatch(s, -1) {
			v := m[2]
			if m[3] != "" || strings.HasPrefix(v, `"`) {
				v = m[3]
			}
			out[m[1]] = v
		}
		return out
	}
	for _, line := range strings.Split(src, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "//") {
			continue
		}
		if m := dotEdge.FindStringSubmatch(line); m != nil {
			a := attrs(m[4])
			w := math.NaN()
			if v, err := strconv.ParseFloat(a["label"], 64); err == nil {
				w = v
			} else if v, err := strconv.ParseFloat(a["penwidth"], 64); err == nil {
				w = v
				if a["color"] == "red" {
					w = -w
				}
			}
			if math.IsNaN(w) {
				w = 1
			}
			add(m[1])
			add(m[2])
			n.edges = append(n.edges, netEdge{src: m[1], dst: m[2], w: w})
			continue
		}
		for _, m := range dotNode.FindAllStringSubmatch(line, -1) {
			if m[1] == "node" || m[1] == "edge" || m[1] == "graph" {
				continue
			}
			a := attrs(m[2])
			nd := add(m[1])
			if l, ok := a["label"]; ok {
				nd.label = strings.SplitN(strings.ReplaceAll(l, `\n`, "\n"), "\n", 2)[0]
			}
			switch {
			case a["shape"] == "box" || strings.HasPrefix(nd.label, "in"):
				nd.role = roleInput
			case a["shape"] == "doublecircle" || strings.HasPrefix(nd.label, "out"):
				nd.role = roleOutput
			}
		}
	}
	if len(n.nodes) == 0 {
		return nil, fmt.Errorf("no nodes in the DOT")
	}
	n.layout()
	return n, nil
}

// layout puts inputs at depth 0, each hidden neuron one past its deepest
// predecessor (its longest path from an input), and the outputs one past
// the deepest hidden neuron; within a layer, neurons are ordered by the
// mean position of their predecessors, which keeps most edges short.
func (n *network) layout() {
	preds := map[string][]string{}
	for _, e := range n.edges {
		preds[e.dst] = append(preds[e.dst], e.src)
	}
	for _, nd := range n.nodes {
		if nd.role != roleInput {
			nd.depth = 1
		}
	}
	// Longest paths by relaxation; a cycle stops after len(nodes) passes.
	for range len(n.nodes) {
		changed := false
		for _, e := range n.edges {
			s, d := n.nodes[e.src], n.nodes[e.dst]
			if d.role == roleInput || d.role == roleOutput {
				continue
			}
			if s.depth+1 > d.depth {
				d.depth = s.depth + 1
				changed = true
			}
		}
		if !changed {
			break
		}
	}
	deepest := 0
	for _, nd := range n.nodes {
		if nd.role == roleHidden {
			deepest = max(deepest, nd.depth)
		}
	}
	layers := map[int][]*netNode{}
	for _, id := range n.order {
		nd := n.nodes[id]
		if nd.role == roleOutput {
			nd.depth = deepest + 1
		}
		layers[nd.depth] = append(layers[nd.depth], nd)
	}
	for d := 0; d <= deepest+1; d++ {
		l := layers[d]
		if len(l) == 0 {
			continue
		}
		if d > 0 {
			key := map[*netNode]float64{}
			for _, nd := range l {
				var s float64
				for _, p := range preds[nd.id] {
					s += n.nodes[p].pos
				}
				key[nd] = 0.5
				if k := len(preds[nd.id]); k > 0 {
					key[nd] = s / float64(k)
				}
			}
			if l[0].role != roleOutput { // outputs keep their order
				sort.SliceStable(l, func(i, j int) bool { return key[l[i]] < key[l[j]] })
			}
		}
		// Thin layers zigzag a little, so a chain of one-neuron layers
		// does not lie on one line that hides its own edges.
		shift := 0.0
		if d > 0 && l[0].role == roleHidden {
			shift = 0.3 * (float64(d%4)/3 - 0.5) / float64(len(l))
		}
		for i, nd := range l {
			nd.pos = (float64(i)+0.5)/float64(len(l)) + shift
		}
	}
}

// topologyPNG draws a network left to right by depth: edge width and
// opacity grow with |w| (blue positive, red negative), weaker edges
// underneath, no weight labels; inputs and outputs are named.
func topologyPNG(title, dot string) ([]byte, error) {
	n, err := parseDOT(dot)
	if err != nil {
		return nil, err
	}
	const w, h = 9 * vg.Inch, 6 * vg.Inch
	c := vgimg.New(w, h)
	dc := draw.New(c)
	dc.SetColor(color.White)
	dc.Fill(dc.Rectangle.Path())
	sty := draw.TextStyle{Color: color.Black, Font: font.From(plot.DefaultFont, vg.Points(11)), Handler: plot.DefaultTextHandler}
	small := sty
	small.Font.Size = vg.Points(8)
	deepest := 0
	hidden := 0
	for _, nd := range n.nodes {
		deepest = max(deepest, nd.depth)
		if nd.role == roleHidden {
			hidden++
		}
	}
	maxW := 0.0
	for _, e := range n.edges {
		maxW = math.Max(maxW, math.Abs(e.w))
	}
	left, right, top, bottom := vg.Points(50), w-vg.Points(50), h-vg.Points(60), vg.Points(40)
	at := func(nd *netNode) vg.Point {
		x := left
		if deepest > 0 {
			x += (right - left) * vg.Length(float64(nd.depth)/float64(deepest))
		}
		return vg.Point{X: x, Y: top - (top-bottom)*vg.Length(nd.pos)}
	}
	edges := append([]netEdge(nil), n.edges...)
	sort.SliceStable(edges, func(i, j int) bool { return math.Abs(edges[i].w) < math.Abs(edges[j].w) })
	for _, e := range edges {
		f := 0.0
		if maxW > 0 {
			f = math.Abs(e.w) / maxW
		}
		col := color.NRGBA{R: 30, G: 80, B: 220, A: uint8(40 + 200*f)}
		if e.w < 0 {
			col = color.NRGBA{R: 220, G: 40, B: 40, A: uint8(40 + 200*f)}
		}
		dc.StrokeLine2(draw.LineStyle{Color: col, Width: vg.Points(0.3 + 3.5*f)}, at(n.nodes[e.src]).X, at(n.nodes[e.src]).Y, at(n.nodes[e.dst]).X, at(n.nodes[e.dst]).Y)
	}
	for _, id := range n.order {
		nd := n.nodes[id]
		p := at(nd)
		switch nd.role {
		case roleHidden:
			dc.DrawGlyph(draw.GlyphStyle{Color: color.Black, Radius: vg.Points(2.5), Shape: draw.CircleGlyph{}}, p)
		default:
			dc.DrawGlyph(draw.GlyphStyle{Color: color.Black, Radius: vg.Points(4), Shape: draw.BoxGlyph{}}, p)
			ts := small
			ts.YAlign = draw.YCenter
			if nd.role == roleInput {
				ts.XAlign = draw.XRight
				p.X -= vg.Points(7)
			} else {
				p.X += vg.Points(7)
			}
			dc.FillText(ts, p, nd.label)
		}
	}
	ts := sty
	ts.XAlign = draw.XCenter
	dc.FillText(ts, vg.Point{X: w / 2, Y: h - vg.Points(22)}, title)
	small.XAlign = draw.XCenter
	dc.FillText(small, vg.Point{X: w / 2, Y: h - vg.Points(38)}, fmt.Sprintf(
		"%d hidden neurons, %d edges, laid out by depth from the inputs. Edge width and opacity: |w| (blue w > 0, red w < 0).",
		hidden, len(n.edges)))
	var buf bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: c}).WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// edgeLabel matches the weight label of a DOT edge statement.
var edgeLabel = regexp.MustCompile(`label="[^"]*",?\s*`)

// unlabelledDOT drops the weight labels of a DOT's edges, which make a
// hairball of a grown network; the weights stay in the .dot file and show
// as edge widths.
func unlabelledDOT(dot string) string {
	lines := strings.Split(dot, "\n")
	for i, l := range lines {
		if strings.Contains(l, "->") {
			lines[i] = edgeLabel.ReplaceAllString(l, "")
		}
	}
	return strings.Join(lines, "\n")
}
