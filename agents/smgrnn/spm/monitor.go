// Package spm is SMGrNN's Structural Plasticity Module: it watches every
// optimizer step (each edge's applied weight change Δw and each hidden
// neuron's activations) over a rolling window, and every period lets a
// Strategy edit the network's structure from those statistics.
package spm

import (
	"fmt"
	"math"

	"github.com/smgrnn/arena/agents/smgrnn/graph"
)

// Monitor keeps the rolling statistics the strategies read, aligned with
// the slots of the current compiled network.
//
// Per edge it keeps a ring of the last Window applied Δw and their running
// sum and sum of squares, so each step costs O(1) per edge. Per node it
// keeps rings of the per-step batch mean of the activation and of its
// square: the window's activation variance is then the pooled variance
// over every sample of the window, E[a²] − E[a]², again O(1) per node per
// step on top of the O(batch) pass that takes the means. Running sums
// drift by rounding, so they are recomputed exactly from the rings each
// time the ring position wraps (O(1) amortised).
//
// Rings are position-major (entry k of every edge is contiguous), so one
// step writes one contiguous stretch of memory.
type Monitor struct {
	Window int `json:"window"`
	// Pos is the ring position the next step writes.
	Pos   int `json:"pos"`
	Edges int `json:"edges"`
	Nodes int `json:"nodes"`

	DW    []float64 `json:"dw"` // DW[k*Edges+e]
	DWSum []float64 `json:"dw_sum"`
	DWSq  []float64 `json:"dw_sq"`
	DWN   []int32   `json:"dw_n"` // steps observed, at most Window

	// Second, when set, is a second per-edge stream kept beside DW with
	// the same windows (S[k*Edges+e], its sums SSum and SSq, counts DWN):
	// for a strategy whose pruning test reads another signal than its
	// growth test.
	Second bool      `json:"second,omitempty"`
	S      []float64 `json:"s,omitempty"`
	SSum   []float64 `json:"s_sum,omitempty"`
	SSq    []float64 `json:"s_sq,omitempty"`

	AM    []float64 `json:"am"` // AM[k*Nodes+j], batch mean of the activation
	AQ    []float64 `json:"aq"` // batch mean of its square
	AMSum []float64 `json:"am_sum"`
	AQSum []float64 `json:"aq_sum"`
	AN    []int32   `json:"a_n"`
}

// NewMonitor returns a monitor with empty windows for a network of the
// given edge and node counts.
func NewMonitor(window, edges, nodes int) (*Monitor, error) {
	if window < 1 {
		return nil, fmt.Errorf("spm: window must be at least 1, got %d", window)
	}
	m := &Monitor{Window: window}
	m.alloc(edges, nodes)
	return m, nil
}

func (m *Monitor) alloc(edges, nodes int) {
	w := m.Window
	m.Edges, m.Nodes = edges, nodes
	m.DW = make([]float64, w*edges)
	m.DWSum = make([]float64, edges)
	m.DWSq = make([]float64, edges)
	m.DWN = make([]int32, edges)
	if m.Second {
		m.S = make([]float64, w*edges)
		m.SSum = make([]float64, edges)
		m.SSq = make([]float64, edges)
	} else {
		m.S, m.SSum, m.SSq = nil, nil, nil
	}
	m.AM = make([]float64, w*nodes)
	m.AQ = make([]float64, w*nodes)
	m.AMSum = make([]float64, nodes)
	m.AQSum = make([]float64, nodes)
	m.AN = make([]int32, nodes)
}

// Check reports whether the monitor's arrays fit its sizes and net.
func (m *Monitor) Check(net *graph.Net) error {
	w, e, n := m.Window, m.Edges, m.Nodes
	if w < 1 || m.Pos < 0 || m.Pos >= w {
		return fmt.Errorf("spm: monitor window %d position %d", w, m.Pos)
	}
	if e != net.NumEdges() || n != net.NumNodes() {
		return fmt.Errorf("spm: monitor holds %d edges and %d nodes, network has %d and %d", e, n, net.NumEdges(), net.NumNodes())
	}
	if len(m.DW) != w*e || len(m.DWSum) != e || len(m.DWSq) != e || len(m.DWN) != e ||
		len(m.AM) != w*n || len(m.AQ) != w*n || len(m.AMSum) != n || len(m.AQSum) != n || len(m.AN) != n {
		return fmt.Errorf("spm: monitor arrays do not match %d edges, %d nodes, window %d", e, n, w)
	}
	if m.Second && (len(m.S) != w*e || len(m.SSum) != e || len(m.SSq) != e) {
		return fmt.Errorf("spm: monitor's second stream does not match %d edges, window %d", e, w)
	}
	return nil
}

// NewMonitorSecond is NewMonitor with the second per-edge stream.
func NewMonitorSecond(window, edges, nodes int) (*Monitor, error) {
	if window < 1 {
		return nil, fmt.Errorf("spm: window must be at least 1, got %d", window)
	}
	m := &Monitor{Window: window, Second: true}
	m.alloc(edges, nodes)
	return m, nil
}

// ObserveSecond records a step's values of the second stream (slot order).
// Call it before Observe of the same step, which advances the windows.
func (m *Monitor) ObserveSecond(x []float64) {
	e := m.Edges
	k := m.Pos
	ring := m.S[k*e : (k+1)*e]
	for i, d := range x[:e] {
		old := ring[i]
		ring[i] = d
		m.SSum[i] += d - old
		m.SSq[i] += d*d - old*old
	}
}

// Observe records one optimizer step: dw holds each edge's applied weight
// change (slot order), and w the activations of the minibatch the step
// was computed on.
func (m *Monitor) Observe(net *graph.Net, dw []float64, w *graph.Work) {
	k := m.Pos
	e := m.Edges
	ring := m.DW[k*e : (k+1)*e]
	sum, sq, cnt := m.DWSum[:e], m.DWSq[:e], m.DWN[:e]
	dw = dw[:e]
	win := int32(m.Window)
	for i, d := range dw {
		old := ring[i]
		ring[i] = d
		sum[i] += d - old
		sq[i] += d*d - old*old
		if cnt[i] < win {
			cnt[i]++
		}
	}
	nn, b := m.Nodes, w.B
	if b > 0 {
		inv := 1 / float64(b)
		am, aq := m.AM[k*nn:(k+1)*nn], m.AQ[k*nn:(k+1)*nn]
		for j := net.NIn; j < nn-net.NOut; j++ {
			a := w.A[j*b : (j+1)*b]
			s, q := 0.0, 0.0
			for _, v := range a {
				s += v
				q += v * v
			}
			s *= inv
			q *= inv
			m.AMSum[j] += s - am[j]
			m.AQSum[j] += q - aq[j]
			am[j], aq[j] = s, q
			if m.AN[j] < win {
				m.AN[j]++
			}
		}
	}
	m.Pos++
	if m.Pos == m.Window {
		m.Pos = 0
		m.resum()
	}
}

// resum recomputes the running sums exactly from the rings.
func (m *Monitor) resum() {
	e, nn := m.Edges, m.Nodes
	clear(m.DWSum)
	clear(m.DWSq)
	clear(m.AMSum)
	clear(m.AQSum)
	clear(m.SSum)
	clear(m.SSq)
	for k := 0; k < m.Window; k++ {
		if m.Second {
			for i, d := range m.S[k*e : (k+1)*e] {
				m.SSum[i] += d
				m.SSq[i] += d * d
			}
		}
		ring := m.DW[k*e : (k+1)*e]
		for i, d := range ring {
			m.DWSum[i] += d
			m.DWSq[i] += d * d
		}
		am, aq := m.AM[k*nn:(k+1)*nn], m.AQ[k*nn:(k+1)*nn]
		for j := range am {
			m.AMSum[j] += am[j]
			m.AQSum[j] += aq[j]
		}
	}
}

// Stats summarises a window: the mean and population variance of the
// observed values and how many steps were observed (at most the window).
type Stats struct {
	Mean, Var float64
	N         int
}

// Full reports whether the window is full.
func (s Stats) Full(window int) bool { return s.N >= window }

func stats(sum, sq float64, n int32) Stats {
	if n == 0 {
		return Stats{}
	}
	mean := sum / float64(n)
	return Stats{Mean: mean, Var: math.Max(0, sq/float64(n)-mean*mean), N: int(n)}
}

// Edge returns the window statistics of Δw of edge slot i.
func (m *Monitor) Edge(i int) Stats { return stats(m.DWSum[i], m.DWSq[i], m.DWN[i]) }

// SecondEdge returns the window statistics of the second stream of edge
// slot i (the zero Stats when the monitor keeps none).
func (m *Monitor) SecondEdge(i int) Stats {
	if !m.Second {
		return Stats{}
	}
	return stats(m.SSum[i], m.SSq[i], m.DWN[i])
}

// Node returns the window's pooled mean and variance of node slot j's
// activation (hidden nodes only; others are never observed).
func (m *Monitor) Node(j int) Stats { return stats(m.AMSum[j], m.AQSum[j], m.AN[j]) }

// Remap moves the statistics to the slots of a rebuilt network: a slot
// that came from an old slot keeps its window, a new one starts empty.
func (m *Monitor) Remap(rm graph.Remap) {
	old := *m
	m.alloc(len(rm.EdgeFrom), len(rm.NodeFrom))
	w := m.Window
	for s, from := range rm.EdgeFrom {
		if from < 0 {
			continue
		}
		for k := 0; k < w; k++ {
			m.DW[k*m.Edges+s] = old.DW[k*old.Edges+from]
		}
		m.DWSum[s], m.DWSq[s], m.DWN[s] = old.DWSum[from], old.DWSq[from], old.DWN[from]
		if m.Second {
			for k := 0; k < w; k++ {
				m.S[k*m.Edges+s] = old.S[k*old.Edges+from]
			}
			m.SSum[s], m.SSq[s] = old.SSum[from], old.SSq[from]
		}
	}
	for s, from := range rm.NodeFrom {
		if from < 0 {
			continue
		}
		for k := 0; k < w; k++ {
			m.AM[k*m.Nodes+s] = old.AM[k*old.Nodes+from]
			m.AQ[k*m.Nodes+s] = old.AQ[k*old.Nodes+from]
		}
		m.AMSum[s], m.AQSum[s], m.AN[s] = old.AMSum[from], old.AQSum[from], old.AN[from]
	}
}
