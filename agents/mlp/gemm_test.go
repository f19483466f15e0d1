package mlp

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/smgrnn/arena/agents/activation"
)

// wideRand returns n values of random sign spread over twenty binary
// orders of magnitude, so that summing them in another order, or fusing a
// multiply with an add, changes low bits.
func wideRand(rng *rand.Rand, n int) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = (rng.Float64()*2 - 1) * math.Exp2(float64(rng.IntN(20)-10))
	}
	return s
}

func sameBits(a, b []float64) int {
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
			return i
		}
	}
	return -1
}

// TestGemmPathsBitIdentical holds every kernel path this CPU has to the
// plain Go reference, bit for bit, on random ragged shapes (row counts
// that are not multiples of 4, column counts that are not multiples of 8
// or 16, padded strides), with a read both as rows and transposed; and the
// reference to gemmNT, the kernel the recorded results were trained with.
func TestGemmPathsBitIdentical(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	defer setPath(setPath(path))
	for trial := range 400 {
		m, n, k := 1+rng.IntN(13), 1+rng.IntN(41), rng.IntN(21)
		if trial < 4 {
			m, n, k = 256, 64, 64 // a minibatch through a 64×64 layer
		}
		trans := trial%2 == 1
		lda, ldb, ldc := k+rng.IntN(3), n+rng.IntN(3), n+rng.IntN(3)
		ars, acs := lda, 1
		if trans {
			lda = m + rng.IntN(3)
			ars, acs = 1, lda
		}
		a := wideRand(rng, max(m, k)*max(lda, 1)+1)
		b := wideRand(rng, max(k, 1)*ldb)
		want := wideRand(rng, m*ldc)
		gemmGeneric(m, n, k, a, ars, acs, b, ldb, want, ldc)

		// gemmNT on packed copies: a as m×k rows, bᵀ as n×k rows.
		ap, bt, cnt := make([]float64, m*k), make([]float64, n*k), make([]float64, m*n)
		for i := range m {
			for p := range k {
				ap[i*k+p] = a[i*ars+p*acs]
			}
		}
		for p := range k {
			for j := range n {
				bt[j*k+p] = b[p*ldb+j]
			}
		}
		gemmNT(m, n, k, ap, bt, cnt)
		for i := range m {
			if d := sameBits(want[i*ldc:i*ldc+n], cnt[i*n:i*n+n]); d >= 0 {
				t.Fatalf("%d×%d×%d: gemmGeneric c[%d,%d] = %v, gemmNT %v", m, n, k, i, d, want[i*ldc+d], cnt[i*n+d])
			}
		}

		for _, p := range gemmPaths() {
			setPath(p)
			got := append([]float64(nil), want...)
			for i := range m { // garbage where gemm writes; padding kept
				for j := range n {
					got[i*ldc+j] = math.NaN()
				}
			}
			gemm(m, n, k, a, ars, acs, b, ldb, got, ldc)
			if d := sameBits(want, got); d >= 0 {
				t.Fatalf("%s, %d×%d×%d (transposed a: %v): c[%d] = %v, the reference %v", p, m, n, k, trans, d, got[d], want[d])
			}
		}
	}
}

func TestGemmOutOfRange(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("gemm with a short c did not panic")
		}
	}()
	gemm(2, 8, 3, make([]float64, 6), 3, 1, make([]float64, 24), 8, make([]float64, 15), 8)
}

// BenchmarkGemm reports GFLOP/s of every path on the products of a
// minibatch of 256 through a 64×64 MLP: the forward X·Wᵀ (m×n×k =
// 256×64×64, a row major), the weight gradient Dᵀ·X (64×64×256, a read
// transposed) and the input gradient D·W (256×64×64), and a narrow first
// layer (256×64×4).
func BenchmarkGemm(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	shapes := []struct {
		name    string
		m, n, k int
		trans   bool
	}{
		{"XWt", 256, 64, 64, false},
		{"DtX", 64, 64, 256, true},
		{"DW", 256, 64, 64, false},
		{"XWt_in4", 256, 64, 4, false},
	}
	defer setPath(setPath(path))
	for _, sh := range shapes {
		m, n, k := sh.m, sh.n, sh.k
		ars, acs := k, 1
		if sh.trans {
			ars, acs = 1, m
		}
		a, bb, c := wideRand(rng, m*k), wideRand(rng, k*n), make([]float64, m*n)
		for _, p := range gemmPaths() {
			b.Run(fmt.Sprintf("%s/%s/%dx%dx%d", p, sh.name, m, n, k), func(b *testing.B) {
				setPath(p)
				for b.Loop() {
					gemm(m, n, k, a, ars, acs, bb, n, c, n)
				}
				b.ReportMetric(float64(2*m*n*k)*float64(b.N)/float64(b.Elapsed().Nanoseconds()), "GFLOP/s")
			})
		}
	}
}

// TestNetworkPathsBitIdentical runs Forward and Backward on every kernel
// path and holds outputs and gradients to the plain Go path (transposes
// and gemmNT, as the recorded results were trained), bit for bit: narrow
// and wide layers, batches below and above packBatch, every activation.
func TestNetworkPathsBitIdentical(t *testing.T) {
	defer setPath(setPath(path))
	shapes := [][]int{{4, 64, 64, 2}, {3, 9, 17, 1}, {12, 8, 5}, {4, 2}, {6, 20, 3}, {2, 33, 16, 9}}
	for si, sizes := range shapes {
		for _, act := range activation.All() {
			for _, batch := range []int{1, 3, 7, 8, 13, 256} {
				rng := rand.New(rand.NewPCG(uint64(si), uint64(batch)))
				net, err := NewNetwork(sizes, act, rng)
				if err != nil {
					t.Fatal(err)
				}
				x := wideRand(rng, batch*sizes[0])
				gout := wideRand(rng, batch*sizes[len(sizes)-1])
				run := func(p gemmPath) ([]float64, []float64) {
					setPath(p)
					y := append([]float64(nil), net.Forward(x, batch)...)
					g := make([]float64, net.NumParams())
					net.Backward(gout, g)
					return y, g
				}
				wantY, wantG := run(pathGeneric)
				for _, p := range gemmPaths() {
					y, g := run(p)
					if d := sameBits(wantY, y); d >= 0 {
						t.Fatalf("%s, %v %s batch %d: output %d = %v, generic %v", p, sizes, act, batch, d, y[d], wantY[d])
					}
					if d := sameBits(wantG, g); d >= 0 {
						t.Fatalf("%s, %v %s batch %d: gradient %d = %v, generic %v", p, sizes, act, batch, d, g[d], wantG[d])
					}
				}
			}
		}
	}
}

// TestForwardSeesWeightChanges checks that Forward's packed weights
// follow every write through Params or Layer, on wide and narrow layers: each Forward gives the bits of a fresh network with the
// same parameters.
func TestForwardSeesWeightChanges(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 11))
	net, err := NewNetwork([]int{5, 16, 3}, activation.Tanh, rng)
	if err != nil {
		t.Fatal(err)
	}
	const batch = 32
	x := wideRand(rng, batch*5)
	fresh := func() []float64 {
		f, err := NewNetwork([]int{5, 16, 3}, activation.Tanh, rand.New(rand.NewPCG(1, 1)))
		if err != nil {
			t.Fatal(err)
		}
		copy(f.Params(), net.Params())
		return append([]float64(nil), f.Forward(x, batch)...)
	}
	w1, _ := net.Layer(1)
	for step, change := range []func(){
		func() {},
		func() { net.Params()[7] += 1 }, // first layer
		func() { w1[5] = 0.25 },         // output layer, through Layer
		func() { w1[0] = 0 },            // then its sign
		func() { w1[0] = math.Copysign(0, -1) },
		func() { copy(net.Params(), wideRand(rng, net.NumParams())) },
	} {
		change()
		got := append([]float64(nil), net.Forward(x, batch)...)
		if d := sameBits(fresh(), got); d >= 0 {
			t.Fatalf("change %d: output %d differs from a fresh network's", step, d)
		}
	}
}
