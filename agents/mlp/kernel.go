package mlp

// gemmNT sets c (m×n, row major) to a·bᵀ, where a is m×k and b is n×k, both
// row major: every entry is a dot product of two contiguous rows. All three
// matrix products of an MLP layer take this form once the right operands
// are transposed (see Network.Backward); it is the network's kernel when
// the CPU has no SIMD path for gemm, and for small batches.
//
// The kernel computes 2×4 blocks of c at a time: eight independent
// accumulators hide the latency of the floating-point adds, and each loaded
// value is used two or four times. Go does not vectorise, so this register
// blocking is what makes the loop fast; 2×4 keeps the eight accumulators
// and six operands within amd64's sixteen floating-point registers.
func gemmNT(m, n, k int, a, b, c []float64) {
	if m == 0 || n == 0 {
		return
	}
	if k == 0 {
		clear(c[:m*n])
		return
	}
	if n < 4 {
		gemmNTNarrow(m, n, k, a, b, c)
		return
	}
	i := 0
	for ; i+2 <= m; i += 2 {
		a0 := a[i*k : i*k+k]
		a1 := a[(i+1)*k : (i+1)*k+k]
		a1 = a1[:len(a0)]
		c0 := c[i*n : i*n+n]
		c1 := c[(i+1)*n : (i+1)*n+n]
		c1 = c1[:len(c0)]
		j := 0
		for ; j+4 <= n; j += 4 {
			b0 := b[j*k : j*k+k]
			b1 := b[(j+1)*k : (j+1)*k+k]
			b2 := b[(j+2)*k : (j+2)*k+k]
			b3 := b[(j+3)*k : (j+3)*k+k]
			b0, b1, b2, b3 = b0[:len(a0)], b1[:len(a0)], b2[:len(a0)], b3[:len(a0)]
			var s00, s01, s02, s03, s10, s11, s12, s13 float64
			for p, x0 := range a0 {
				x1 := a1[p]
				y0, y1, y2, y3 := b0[p], b1[p], b2[p], b3[p]
				s00 += x0 * y0
				s01 += x0 * y1
				s02 += x0 * y2
				s03 += x0 * y3
				s10 += x1 * y0
				s11 += x1 * y1
				s12 += x1 * y2
				s13 += x1 * y3
			}
			cc0 := c0[j : j+4]
			cc1 := c1[j : j+4]
			cc0[0], cc0[1], cc0[2], cc0[3] = s00, s01, s02, s03
			cc1[0], cc1[1], cc1[2], cc1[3] = s10, s11, s12, s13
		}
		for ; j < n; j++ {
			bj := b[j*k : j*k+k]
			bj = bj[:len(a0)]
			var s0, s1 float64
			for p, x0 := range a0 {
				s0 += x0 * bj[p]
				s1 += a1[p] * bj[p]
			}
			c0[j], c1[j] = s0, s1
		}
	}
	// An odd last row sums in the same order as a paired row, one
	// accumulator per entry, so a row's outputs never depend on the other
	// rows of the batch: a policy acts on each observation alone, and
	// batching observations differently gives the same bits.
	gemmNTRows(i, m, n, k, a, b, c)
}

// gemmNTNarrow is gemmNT for fewer than four columns (an output layer of
// classic control), where gemmNT's 2×4 blocks would leave only one or two
// chains of dependent adds: it blocks four rows by two columns instead.
// Every entry is still its own sum in increasing p, so the bits are
// gemmNT's.
func gemmNTNarrow(m, n, k int, a, b, c []float64) {
	i := 0
	for ; i+4 <= m; i += 4 {
		a0 := a[i*k : i*k+k]
		a1 := a[(i+1)*k : (i+1)*k+k]
		a2 := a[(i+2)*k : (i+2)*k+k]
		a3 := a[(i+3)*k : (i+3)*k+k]
		a1, a2, a3 = a1[:len(a0)], a2[:len(a0)], a3[:len(a0)]
		c0 := c[i*n : i*n+n]
		c1 := c[(i+1)*n : (i+1)*n+n]
		c2 := c[(i+2)*n : (i+2)*n+n]
		c3 := c[(i+3)*n : (i+3)*n+n]
		j := 0
		for ; j+2 <= n; j += 2 {
			b0 := b[j*k : j*k+k]
			b1 := b[(j+1)*k : (j+1)*k+k]
			b0, b1 = b0[:len(a0)], b1[:len(a0)]
			var s00, s01, s10, s11, s20, s21, s30, s31 float64
			for p, x0 := range a0 {
				x1, x2, x3 := a1[p], a2[p], a3[p]
				y0, y1 := b0[p], b1[p]
				s00 += x0 * y0
				s01 += x0 * y1
				s10 += x1 * y0
				s11 += x1 * y1
				s20 += x2 * y0
				s21 += x2 * y1
				s30 += x3 * y0
				s31 += x3 * y1
			}
			c0[j], c0[j+1] = s00, s01
			c1[j], c1[j+1] = s10, s11
			c2[j], c2[j+1] = s20, s21
			c3[j], c3[j+1] = s30, s31
		}
		if j < n {
			bj := b[j*k : j*k+k]
			bj = bj[:len(a0)]
			var s0, s1, s2, s3 float64
			for p, x0 := range a0 {
				y := bj[p]
				s0 += x0 * y
				s1 += a1[p] * y
				s2 += a2[p] * y
				s3 += a3[p] * y
			}
			c0[j], c1[j], c2[j], c3[j] = s0, s1, s2, s3
		}
	}
	gemmNTRows(i, m, n, k, a, b, c)
}

// gemmNTRows computes rows i0..m-1 of c = a·bᵀ one row at a time, one
// accumulator per entry: the rows the blocked loops leave, summed in the
// same order as a blocked row, so a row's outputs never depend on the
// other rows of the batch.
func gemmNTRows(i0, m, n, k int, a, b, c []float64) {
	for i := i0; i < m; i++ {
		a0 := a[i*k : i*k+k]
		c0 := c[i*n : i*n+n]
		for j := range c0 {
			bj := b[j*k : j*k+k]
			bj = bj[:len(a0)]
			var s0 float64
			for p, x0 := range a0 {
				s0 += x0 * bj[p]
			}
			c0[j] = s0
		}
	}
}

// transpose writes the transpose of src (rows×cols, row major) into dst
// (cols×rows). It works in 8×8 tiles: with a power-of-two row count (a
// minibatch of 256) a plain column walk writes to addresses that share a
// handful of L1 cache sets and thrashes them; a tile touches only eight
// destination lines at a time.
func transpose(src []float64, rows, cols int, dst []float64) {
	const tile = 8
	src = src[:rows*cols]
	dst = dst[:rows*cols]
	for r0 := 0; r0 < rows; r0 += tile {
		r1 := min(r0+tile, rows)
		for c0 := 0; c0 < cols; c0 += tile {
			c1 := min(c0+tile, cols)
			for r := r0; r < r1; r++ {
				row := src[r*cols+c0 : r*cols+c1]
				for c, v := range row {
					dst[(c0+c)*rows+r] = v
				}
			}
		}
	}
}
