package sparse

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/smgrnn/arena/agents/activation"
)

// conn is one connection of a layer in unpacked form, with its Adam
// moments, for structural edits.
type conn struct {
	src, dst int32
	w, m, v  float64
}

// layerState is one layer in unpacked form: its connections and its
// biases with their Adam moments.
type layerState struct {
	in, out   int
	conns     []conn
	b, mb, vb []float64
}

// layer is a packed layer: connection endpoints, sorted by (dst, src), and
// the offsets of its weights and biases in the network's flat vectors.
// Output o's connections are [row[o], row[o+1]) (compressed sparse rows).
type layer struct {
	in, out    int
	src, dst   []int32
	row        []int32
	woff, boff int
}

// Net is a layered feed-forward network whose layers keep only some of
// their connections: a sparse MLP. A dense layer is the case where every
// connection is kept. Hidden layers have a nonlinearity, the output layer
// is linear.
//
// Parameters (each layer's kept weights, then its biases, layer by layer)
// and their Adam moments are flat vectors; a structural edit unpacks them
// (unpack), changes the layers and packs them again (pack). Training and
// acting only read the packed form: a layer's forward and backward pass
// visit each kept connection once per sample, O(connections × batch).
//
// Activations are batch-major, and each sample is computed on its own, so
// a sample's outputs do not depend on the rest of the batch.
type Net struct {
	act    activation.Activation
	layers []layer
	// params, m and v are the weights and biases and their Adam moments;
	// grads is the last Backward's gradient.
	params, m, v, grads []float64

	batch int
	// acts[0] is the input, acts[l+1] the output of layer l
	// (post-activation for hidden layers); dz[l] is dLoss/d(pre-activation
	// of layer l's outputs) after Backward.
	acts, dz [][]float64
}

// newNet packs ls into a network.
func newNet(act activation.Activation, ls []layerState) *Net {
	n := &Net{act: act}
	n.pack(ls)
	return n
}

// Sizes returns the layer widths, input first.
func (n *Net) Sizes() []int {
	s := []int{n.layers[0].in}
	for _, l := range n.layers {
		s = append(s, l.out)
	}
	return s
}

// NumWeights is the number of kept connections.
func (n *Net) NumWeights() int {
	w := 0
	for _, l := range n.layers {
		w += len(l.src)
	}
	return w
}

// LayerWeights is the number of kept connections of layer l.
func (n *Net) LayerWeights(l int) int { return len(n.layers[l].src) }

// used reports, for each neuron of hidden layer h (the outputs of layer
// h), whether it has at least one outgoing connection.
func (n *Net) used(h int) []bool {
	u := make([]bool, n.layers[h].out)
	for _, s := range n.layers[h+1].src {
		u[s] = true
	}
	return u
}

// NumParams counts the parameters in use: every kept weight, the bias of
// every hidden neuron with at least one outgoing connection (a neuron
// without one cannot change the output), and every output bias. For a
// dense network it is the MLP's count.
func (n *Net) NumParams() int {
	p := n.NumWeights() + n.layers[len(n.layers)-1].out
	for h := 0; h < len(n.layers)-1; h++ {
		for _, u := range n.used(h) {
			if u {
				p++
			}
		}
	}
	return p
}

// NumHidden counts the hidden neurons in use (see NumParams).
func (n *Net) NumHidden() int {
	return n.NumParams() - n.NumWeights() - n.layers[len(n.layers)-1].out
}

// unpack returns the layers in unpacked form (copies).
func (n *Net) unpack() []layerState {
	ls := make([]layerState, len(n.layers))
	for i, l := range n.layers {
		s := layerState{in: l.in, out: l.out, conns: make([]conn, len(l.src))}
		for k := range l.src {
			j := l.woff + k
			s.conns[k] = conn{src: l.src[k], dst: l.dst[k], w: n.params[j], m: n.m[j], v: n.v[j]}
		}
		s.b = slices.Clone(n.params[l.boff : l.boff+l.out])
		s.mb = slices.Clone(n.m[l.boff : l.boff+l.out])
		s.vb = slices.Clone(n.v[l.boff : l.boff+l.out])
		ls[i] = s
	}
	return ls
}

// pack replaces the network's layers by ls, sorting each layer's
// connections by (dst, src) so the order, and with it every sum, depends
// only on the set of connections.
func (n *Net) pack(ls []layerState) {
	total := 0
	for _, s := range ls {
		total += len(s.conns) + s.out
	}
	n.params = make([]float64, total)
	n.m = make([]float64, total)
	n.v = make([]float64, total)
	n.grads = make([]float64, total)
	n.layers = make([]layer, len(ls))
	off := 0
	for i, s := range ls {
		cs := slices.Clone(s.conns)
		slices.SortFunc(cs, func(a, b conn) int {
			return cmp.Or(cmp.Compare(a.dst, b.dst), cmp.Compare(a.src, b.src))
		})
		l := layer{in: s.in, out: s.out, src: make([]int32, len(cs)), dst: make([]int32, len(cs)),
			row: make([]int32, s.out+1), woff: off}
		for k, c := range cs {
			l.src[k], l.dst[k] = c.src, c.dst
			n.params[off+k], n.m[off+k], n.v[off+k] = c.w, c.m, c.v
			l.row[c.dst+1]++
		}
		for o := range s.out {
			l.row[o+1] += l.row[o]
		}
		off += len(cs)
		l.boff = off
		copy(n.params[off:], s.b)
		copy(n.m[off:], s.mb)
		copy(n.v[off:], s.vb)
		off += s.out
		n.layers[i] = l
	}
	n.acts = make([][]float64, len(ls)+1)
	n.dz = make([][]float64, len(ls))
	n.batch = 0
}

// Forward computes the outputs for batch inputs x (batch rows of the input
// width) and returns them; the slice is the network's and is overwritten by
// the next Forward. It caches the activations for Backward.
func (n *Net) Forward(x []float64, batch int) []float64 {
	in0 := n.layers[0].in
	if batch < 0 || len(x) != batch*in0 {
		panic(fmt.Sprintf("sparse: Forward with %d values for %d samples of %d inputs", len(x), batch, in0))
	}
	n.batch = batch
	n.acts[0] = grow(n.acts[0], len(x))
	copy(n.acts[0], x)
	last := len(n.layers) - 1
	for li, l := range n.layers {
		y := grow(n.acts[li+1], batch*l.out)
		n.acts[li+1] = y
		w := n.params[l.woff:l.boff]
		b := n.params[l.boff : l.boff+l.out]
		xa := n.acts[li]
		for s := range batch {
			xs := xa[s*l.in : s*l.in+l.in]
			ys := y[s*l.out : s*l.out+l.out]
			ys = ys[:len(b)]
			for o, bo := range b {
				lo, hi := l.row[o], l.row[o+1]
				src, wo := l.src[lo:hi], w[lo:hi]
				wo = wo[:len(src)]
				acc := bo
				for k, i := range src {
					acc += wo[k] * xs[i]
				}
				ys[o] = acc
			}
		}
		if li < last {
			n.act.Apply(y)
		}
	}
	return n.acts[last+1]
}

// Backward takes dLoss/doutputs for the batch of the last Forward and
// computes dLoss/dparams into the network's gradient (Grads). gradOut is
// not modified.
//
// For a kept connection k from input i to output o: dW_k = Σ_s dz[s,o]·x[s,i],
// and the input gradient gets dx[s,i] += W_k·dz[s,o]; both are one pass
// over the connections per sample.
func (n *Net) Backward(gradOut []float64) {
	last := len(n.layers) - 1
	batch := n.batch
	if len(gradOut) != batch*n.layers[last].out {
		panic(fmt.Sprintf("sparse: Backward with %d output gradients, want %d", len(gradOut), batch*n.layers[last].out))
	}
	n.dz[last] = grow(n.dz[last], len(gradOut))
	copy(n.dz[last], gradOut)
	clear(n.grads)
	for li := last; li >= 0; li-- {
		l := n.layers[li]
		gw := n.grads[l.woff:l.boff]
		gb := n.grads[l.boff : l.boff+l.out]
		w := n.params[l.woff:l.boff]
		d := n.dz[li]
		xa := n.acts[li]
		var dx []float64
		if li > 0 {
			dx = grow(n.dz[li-1], batch*l.in)
			clear(dx)
			n.dz[li-1] = dx
		}
		for s := range batch {
			ds := d[s*l.out : s*l.out+l.out]
			ds = ds[:len(gb)]
			xs := xa[s*l.in : s*l.in+l.in]
			var dxs []float64
			if dx != nil {
				dxs = dx[s*l.in : s*l.in+l.in]
			}
			for o, g := range ds {
				gb[o] += g
				if g == 0 {
					continue // ReLU's dead units cost nothing
				}
				lo, hi := l.row[o], l.row[o+1]
				src, gwo, wo := l.src[lo:hi], gw[lo:hi], w[lo:hi]
				gwo, wo = gwo[:len(src)], wo[:len(src)]
				if dxs == nil {
					for k, i := range src {
						gwo[k] += g * xs[i]
					}
					continue
				}
				for k, i := range src {
					gwo[k] += g * xs[i]
					dxs[i] += wo[k] * g
				}
			}
		}
		if dx != nil {
			n.act.Backprop(n.acts[li], dx)
		}
	}
}

// DenseGrad writes dLoss/dW for every position of layer l, kept or not
// (out rows of in values), from the last Forward and Backward: O(in × out
// × batch), for RigL's regrowth.
func (n *Net) DenseGrad(l int, g []float64) {
	ly := n.layers[l]
	clear(g[:ly.in*ly.out])
	d, xa := n.dz[l], n.acts[l]
	for s := range n.batch {
		ds := d[s*ly.out : s*ly.out+ly.out]
		xs := xa[s*ly.in : s*ly.in+ly.in]
		for o, v := range ds {
			if v == 0 {
				continue
			}
			row := g[o*ly.in : o*ly.in+ly.in]
			for i, x := range xs {
				row[i] += v * x
			}
		}
	}
}

// Params returns the flat parameter vector (the network's own storage).
func (n *Net) Params() []float64 { return n.params }

// Grads returns the flat gradient of the last Backward.
func (n *Net) Grads() []float64 { return n.grads }

func grow(s []float64, k int) []float64 {
	if cap(s) >= k {
		return s[:k]
	}
	return make([]float64, k)
}
