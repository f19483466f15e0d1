package mlp

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"unsafe"

	"github.com/smgrnn/arena/agents/activation"
)

// Network is a fully connected feed-forward network in float64 with a
// nonlinearity after every hidden layer and a linear output layer.
//
// Parameters are one flat slice, layer by layer; each layer stores its
// weight matrix in PyTorch's nn.Linear layout (out rows of in values, row
// major) followed by its out biases. Activations are batch-major (sample s
// of a layer of width k occupies [s·k, s·k+k)), so every inner loop of the
// forward and backward passes runs over a contiguous row.
//
// A Network is not safe for concurrent use: Forward caches activations for
// the next Backward.
type Network struct {
	sizes  []int
	act    activation.Activation
	params []float64
	// woff[l] and boff[l] are the offsets of layer l's weights and biases.
	woff, boff []int

	batch int
	// acts[0] is a copy of the input, acts[l] the output of layer l
	// (post-activation for hidden layers, raw for the last); deltas[l] is
	// dLoss/d(pre-activation of layer l) during Backward.
	acts, deltas [][]float64
	// dT, xT and wT are scratch transposes, colAcc the column sums'
	// accumulators.
	dT, xT, wT, colAcc []float64
	// packs[l] is layer l's Wᵀ packed for gemm by Forward, kept while the
	// weights stay the same; wide is the scratch of a narrow layer's
	// padded product.
	packs []pack
	wide  []float64
}

// pack is a layer's Wᵀ (in×width, the columns past out zero) and a copy
// of the W it was packed from.
type pack struct {
	from, wT []float64
	width    int
}

// maxParams caps a network's size (2^27 parameters, 1 GiB of float64).
const maxParams = 1 << 27

// NewNetwork returns a network with the given layer sizes (input first,
// output last, at least two, all positive) and hidden activation. Weights and biases are drawn like PyTorch's nn.Linear default:
// uniform on ±1/sqrt(fan_in), drawn layer by layer (weights row by row,
// then biases) from rng, so a seed fixes the network.
func NewNetwork(sizes []int, act activation.Activation, rng *rand.Rand) (*Network, error) {
	if _, err := act.MarshalText(); err != nil {
		return nil, fmt.Errorf("mlp: %w", err)
	}
	if len(sizes) < 2 {
		return nil, fmt.Errorf("mlp: need at least input and output sizes, got %v", sizes)
	}
	if rng == nil {
		return nil, fmt.Errorf("mlp: nil random source")
	}
	n := &Network{sizes: append([]int(nil), sizes...), act: act}
	total := 0
	for l := 1; l < len(sizes); l++ {
		in, out := sizes[l-1], sizes[l]
		if in <= 0 || out <= 0 {
			return nil, fmt.Errorf("mlp: layer sizes must be positive, got %v", sizes)
		}
		// Cap the size before multiplying, so absurd settings are an error
		// rather than an overflow or an out-of-memory crash.
		if in > maxParams || out > maxParams || in*out > maxParams-total-out {
			return nil, fmt.Errorf("mlp: network %v has more than %d parameters", sizes, maxParams)
		}
		n.woff = append(n.woff, total)
		total += in * out
		n.boff = append(n.boff, total)
		total += out
	}
	n.params = make([]float64, total)
	for l := range n.woff {
		bound := 1 / math.Sqrt(float64(sizes[l]))
		for i := n.woff[l]; i < n.boff[l]+sizes[l+1]; i++ {
			n.params[i] = bound * (2*rng.Float64() - 1)
		}
	}
	n.acts = make([][]float64, len(sizes))
	n.deltas = make([][]float64, len(sizes))
	return n, nil
}

// clone returns a network with a copy of n's parameters and buffers of
// its own.
func (n *Network) clone() *Network {
	return &Network{
		sizes: n.sizes, act: n.act, params: slices.Clone(n.params),
		woff: n.woff, boff: n.boff,
		acts: make([][]float64, len(n.sizes)), deltas: make([][]float64, len(n.sizes)),
	}
}

// Sizes returns the layer sizes, input first.
func (n *Network) Sizes() []int { return append([]int(nil), n.sizes...) }

// Activation returns the hidden activation.
func (n *Network) Activation() activation.Activation { return n.act }

// NumParams is the number of weights and biases.
func (n *Network) NumParams() int { return len(n.params) }

// NumWeights is the number of weights (connections), biases excluded.
func (n *Network) NumWeights() int {
	w := 0
	for l := 1; l < len(n.sizes); l++ {
		w += n.sizes[l-1] * n.sizes[l]
	}
	return w
}

// Params returns the flat parameter vector (see Network for the layout).
// It is the network's own storage: writing to it changes the network.
func (n *Network) Params() []float64 { return n.params }

// Layer returns views of layer l's weights (out·in, row major) and biases
// (out), l counted from 0 for the first weight layer.
func (n *Network) Layer(l int) (weights, biases []float64) {
	return n.params[n.woff[l]:n.boff[l]], n.params[n.boff[l] : n.boff[l]+n.sizes[l+1]]
}

// Forward computes the outputs for batch inputs x (batch rows of Sizes[0]
// values) and returns them (batch rows of the output size). It caches the
// activations for Backward. The returned slice belongs to the network and
// is overwritten by the next Forward. A wrong input length is a programming
// error and panics.
func (n *Network) Forward(x []float64, batch int) []float64 {
	if batch < 0 || len(x) != batch*n.sizes[0] {
		panic(fmt.Sprintf("mlp: Forward with %d values for %d samples of %d inputs", len(x), batch, n.sizes[0]))
	}
	n.batch = batch
	n.acts[0] = grow(n.acts[0], len(x))
	copy(n.acts[0], x)
	last := len(n.sizes) - 2
	for l := 0; l <= last; l++ {
		in, out := n.sizes[l], n.sizes[l+1]
		n.acts[l+1] = grow(n.acts[l+1], batch*out)
		w, b := n.Layer(l)
		n.linear(l, n.acts[l], n.acts[l+1], w, b, batch, in, out)
		if l < last {
			n.act.Apply(n.acts[l+1])
		}
	}
	return n.acts[last+1]
}

// Backward takes dLoss/doutputs for the batch of the last Forward (batch
// rows of the output size) and writes dLoss/dparams into grads (NumParams
// values, overwritten). gradOut is not modified.
//
// For a layer with input X (batch×in), weights W (out×in) and
// pre-activation gradient D (batch×out): dW = Dᵀ·X, db = column sums of D,
// dX = D·W. With a SIMD kernel (gemm) the products read D, X and W in
// place; otherwise gemmNT computes them after transposing D, X and W
// (O(batch·(in+out)) and O(in·out) copies against O(batch·in·out)
// arithmetic). Both sum every entry in the same order, so the bits are the
// same.
func (n *Network) Backward(gradOut []float64, grads []float64) {
	last := len(n.sizes) - 2
	if len(gradOut) != n.batch*n.sizes[last+1] || len(grads) != len(n.params) {
		panic(fmt.Sprintf("mlp: Backward with %d output gradients and %d parameter gradients, want %d and %d",
			len(gradOut), len(grads), n.batch*n.sizes[last+1], len(n.params)))
	}
	batch := n.batch
	delta := gradOut
	for l := last; l >= 0; l-- {
		in, out := n.sizes[l], n.sizes[l+1]
		gw := grads[n.woff[l]:n.boff[l]]
		gb := grads[n.boff[l] : n.boff[l]+out]
		w, _ := n.Layer(l)
		var next []float64
		if path != pathGeneric {
			n.weightGrad(delta, n.acts[l], batch, in, out, gw)
			n.colAcc = grow(n.colAcc, 4*out)
			colSums(delta, batch, out, gb, n.colAcc)
			if l == 0 {
				break // no gradient needed for the input
			}
			next = grow(n.deltas[l], batch*in)
			gemm(batch, in, out, delta, out, 1, w, in, next, in)
		} else {
			n.dT = grow(n.dT, out*batch)
			n.xT = grow(n.xT, in*batch)
			transpose(delta, batch, out, n.dT)
			transpose(n.acts[l], batch, in, n.xT)
			gemmNT(out, in, batch, n.dT, n.xT, gw)
			for o := range gb {
				gb[o] = sum(n.dT[o*batch : o*batch+batch])
			}
			if l == 0 {
				break // no gradient needed for the input
			}
			n.wT = grow(n.wT, in*out)
			transpose(w, out, in, n.wT)
			next = grow(n.deltas[l], batch*in)
			gemmNT(batch, in, out, delta, n.wT, next)
		}
		n.deltas[l] = next
		n.act.Backprop(n.acts[l], next)
		delta = next
	}
}

// weightGrad writes dW = Dᵀ·X (out×in) into gw with gemm, reading D
// (batch×out) transposed in place. With fewer than 8 inputs (a first
// layer) the kernels have too few columns, so it computes Xᵀ·D (in×out)
// and transposes that small result instead: the same sums, in the same
// order.
func (n *Network) weightGrad(d, x []float64, batch, in, out int, gw []float64) {
	if in >= 8 || out < 8 {
		gemm(out, in, batch, d, 1, out, x, in, gw, in)
		return
	}
	n.wT = grow(n.wT, in*out)
	gemm(in, out, batch, x, 1, in, d, out, n.wT, out)
	transpose(n.wT, in, out, gw)
}

// colSums sets sums[o] to the sum of column o of d (rows×cols), as sum
// adds a contiguous column: four accumulators by row index mod 4, the rows
// past the last multiple of four into the first, then (s0+s1)+(s2+s3).
// With a SIMD path a kernel sums four columns at a time, the same way;
// the rest are summed here. scratch holds 4·cols values.
func colSums(d []float64, rows, cols int, sums, scratch []float64) {
	from := colSumsVector(d, rows, cols, sums)
	w := cols - from
	if w == 0 {
		return
	}
	clear(scratch[:4*w])
	var acc [4][]float64
	for q := range acc {
		acc[q] = scratch[q*w : q*w+w]
	}
	r := 0
	for ; r+4 <= rows; r += 4 {
		for q := range acc {
			row := d[(r+q)*cols+from : (r+q)*cols+cols]
			aq := acc[q][:len(row)]
			for o, v := range row {
				aq[o] += v
			}
		}
	}
	for ; r < rows; r++ {
		row := d[r*cols+from : r*cols+cols]
		a0 := acc[0][:len(row)]
		for o, v := range row {
			a0[o] += v
		}
	}
	for o := range sums[from:cols] {
		sums[from+o] = (acc[0][o] + acc[1][o]) + (acc[2][o] + acc[3][o])
	}
}

// sum is Σ x[i] with four accumulators.
func sum(x []float64) float64 {
	var s0, s1, s2, s3 float64
	i := 0
	for ; i+4 <= len(x); i += 4 {
		s0 += x[i]
		s1 += x[i+1]
		s2 += x[i+2]
		s3 += x[i+3]
	}
	for ; i < len(x); i++ {
		s0 += x[i]
	}
	return (s0 + s1) + (s2 + s3)
}

// grow returns s with length k, reallocating only when it is too short.
func grow(s []float64, k int) []float64 {
	if cap(s) >= k {
		return s[:k]
	}
	return make([]float64, k)
}

// linear computes y = x·Wᵀ + b for batch rows of layer l. With a SIMD
// kernel and a batch large enough to repay packing Wᵀ, gemm computes the
// product: a layer of fewer than 8 outputs (an output layer of classic
// control) into a scratch product 8 columns wide, whose columns past out
// (zero weights) are dropped. Otherwise gemmNT computes it. Every entry
// is the same sum either way, so the bits are the same.
func (n *Network) linear(l int, x, y, w, b []float64, batch, in, out int) {
	if path != pathGeneric && batch >= packBatch {
		width := max(out, 8)
		wT := n.packed(l, w, in, out, width)
		if width == out {
			gemm(batch, out, in, x, in, 1, wT, width, y, out)
		} else {
			n.wide = grow(n.wide, batch*width)
			gemm(batch, width, in, x, in, 1, wT, width, n.wide, width)
			for s := range batch {
				copy(y[s*out:s*out+out], n.wide[s*width:s*width+out])
			}
		}
	} else {
		gemmNT(batch, out, in, x, w, y)
	}
	from := addRowVector(y, b, batch, out)
	if from == out {
		return
	}
	rest := b[from:out]
	for s := range batch {
		ys := y[s*out+from : s*out+out]
		ys = ys[:len(rest)]
		for o, bo := range rest {
			ys[o] += bo
		}
	}
}

// packed returns layer l's Wᵀ (in×width, zero past column out), packing
// it again only when w's bits differ from those it was packed from: the
// weights do not change between the steps of an evaluation, but anyone
// holding Params may change them at any time, so they are compared (a
// byte comparison, several times cheaper than the transpose).
func (n *Network) packed(l int, w []float64, in, out, width int) []float64 {
	if len(n.packs) != len(n.sizes)-1 {
		n.packs = make([]pack, len(n.sizes)-1)
	}
	p := &n.packs[l]
	if p.width == width && len(p.from) == len(w) && bytes.Equal(float64Bytes(p.from), float64Bytes(w)) {
		return p.wT
	}
	p.from = append(p.from[:0], w...)
	p.wT = grow(p.wT, in*width)
	if width == out {
		transpose(w, out, in, p.wT)
	} else {
		clear(p.wT)
		for o := range out {
			for i, v := range w[o*in : o*in+in] {
				p.wT[i*width+o] = v
			}
		}
	}
	p.width = width
	return p.wT
}

// float64Bytes views x's memory as bytes.
func float64Bytes(x []float64) []byte {
	if len(x) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(&x[0])), 8*len(x))
}

// packBatch is the smallest batch for which linear packs Wᵀ for the SIMD
// kernels.
const packBatch = 8
