package graph

import "fmt"

// Work holds the buffers of a forward and backward pass over a minibatch,
// reused across calls so training allocates nothing per step.
type Work struct {
	// B is the batch size of the last Forward.
	B int
	// A holds node activations node-major: node slot j's values for the
	// batch are A[j*B : (j+1)*B]. Input slots hold the observations.
	A []float64
	// D holds the gradients of the loss with respect to the nodes'
	// pre-activations, same layout as A (input slots unused).
	D []float64
}

// Forward runs the network on n observations (row-major, n×NIn) and leaves
// every node's activation in w.A.
func (net *Net) Forward(obs []float64, n int, w *Work) error {
	nn := len(net.NodeID)
	if n < 0 || len(obs) < n*net.NIn {
		return fmt.Errorf("graph: forward: %d values for %d observations of %d", len(obs), n, net.NIn)
	}
	w.B = n
	if cap(w.A) < nn*n {
		w.A = make([]float64, nn*n)
	}
	a := w.A[:nn*n]
	w.A = a
	nin := net.NIn
	for i := 0; i < nin; i++ {
		ai := a[i*n : (i+1)*n]
		for b := range ai {
			ai[b] = obs[b*nin+i]
		}
	}
	ne := len(net.EdgeID)
	p, src, start := net.P, net.Src, net.InStart
	for j := nin; j < nn; j++ {
		aj := a[j*n : (j+1)*n]
		bias := p[ne+j-nin]
		for b := range aj {
			aj[b] = bias
		}
		for e := start[j]; e < start[j+1]; e++ {
			s := int(src[e]) * n
			axpy(p[e], a[s:s+n], aj)
		}
		if net.Kind[j] == Hidden {
			net.Act.Apply(aj)
		}
	}
	return nil
}

// Outputs copies the raw outputs of the last Forward into raw, row-major
// (w.B rows of NOut), the layout the head expects.
func (net *Net) Outputs(w *Work, raw []float64) {
	n, no := w.B, net.NOut
	base := len(net.NodeID) - no
	for k := 0; k < no; k++ {
		ak := w.A[(base+k)*n : (base+k+1)*n]
		for b, v := range ak {
			raw[b*no+k] = v
		}
	}
}

// Backward computes the gradient of the loss with respect to every
// parameter into grad (aligned with P), given draw, the gradient with
// respect to the raw outputs (row-major w.B×NOut), after a Forward on the
// same Work.
func (net *Net) Backward(w *Work, draw, grad []float64) {
	n := w.B
	nn, nin, no := len(net.NodeID), net.NIn, net.NOut
	ne := len(net.EdgeID)
	if cap(w.D) < nn*n {
		w.D = make([]float64, nn*n)
	}
	d := w.D[:nn*n]
	w.D = d
	a := w.A[:nn*n]
	base := nn - no
	// Hidden gradients accumulate over outgoing edges, so start at zero.
	clear(d[nin*n : base*n])
	for k := 0; k < no; k++ {
		dk := d[(base+k)*n : (base+k+1)*n]
		for b := range dk {
			dk[b] = draw[b*no+k]
		}
	}
	p, src, start := net.P, net.Src, net.InStart
	for j := nn - 1; j >= nin; j-- {
		dj := d[j*n : (j+1)*n]
		if net.Kind[j] == Hidden {
			net.Act.Backprop(a[j*n:(j+1)*n], dj)
		}
		gb := 0.0
		for _, v := range dj {
			gb += v
		}
		grad[ne+j-nin] = gb
		for e := start[j]; e < start[j+1]; e++ {
			s := int(src[e])
			as := a[s*n : s*n+n]
			if s >= nin {
				grad[e] = dotAxpy(p[e], dj, as, d[s*n:s*n+n])
			} else {
				grad[e] = dot(dj, as)
			}
		}
	}
}

// axpy adds alpha*x to y, four at a time so the compiler keeps the partial
// results in registers. With AVX2 the whole blocks of four run in
// edge_amd64.s, with the same roundings (TestEdgeLoopsBitIdentical), and
// the loops below finish the rest; the same holds for dot and dotAxpy.
func axpy(alpha float64, x, y []float64) {
	x = x[:len(y)]
	i := axpyVector(alpha, x, y)
	for ; i+4 <= len(y); i += 4 {
		y[i] += alpha * x[i]
		y[i+1] += alpha * x[i+1]
		y[i+2] += alpha * x[i+2]
		y[i+3] += alpha * x[i+3]
	}
	for ; i < len(y); i++ {
		y[i] += alpha * x[i]
	}
}

// dot returns the dot product of x and y with four partial sums.
func dot(x, y []float64) float64 {
	y = y[:len(x)]
	var s [4]float64
	i := dotVector(x, y, &s)
	s0, s1, s2, s3 := s[0], s[1], s[2], s[3]
	for ; i+4 <= len(x); i += 4 {
		s0 += x[i] * y[i]
		s1 += x[i+1] * y[i+1]
		s2 += x[i+2] * y[i+2]
		s3 += x[i+3] * y[i+3]
	}
	for ; i < len(x); i++ {
		s0 += x[i] * y[i]
	}
	return (s0 + s1) + (s2 + s3)
}

// dotAxpy returns dot(x, y) and adds alpha*x to z in the same sweep: the
// weight gradient and the source's back-propagated gradient of one edge.
func dotAxpy(alpha float64, x, y, z []float64) float64 {
	y = y[:len(x)]
	z = z[:len(x)]
	var s [4]float64
	i := dotAxpyVector(alpha, x, y, z, &s)
	s0, s1, s2, s3 := s[0], s[1], s[2], s[3]
	for ; i+4 <= len(x); i += 4 {
		x0, x1, x2, x3 := x[i], x[i+1], x[i+2], x[i+3]
		s0 += x0 * y[i]
		s1 += x1 * y[i+1]
		s2 += x2 * y[i+2]
		s3 += x3 * y[i+3]
		z[i] += alpha * x0
		z[i+1] += alpha * x1
		z[i+2] += alpha * x2
		z[i+3] += alpha * x3
	}
	for ; i < len(x); i++ {
		s0 += x[i] * y[i]
		z[i] += alpha * x[i]
	}
	return (s0 + s1) + (s2 + s3)
}
