package activation

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestTanhInPlace holds the batched tanh to math.Tanh bit for bit on both
// kernels: every branch of math.Tanh and its edges, the points where Exp's
// exponent rounds the other way, subnormals, NaN and ±Inf, random values
// over the range that matters, tails of every length after the vector
// blocks, with and without NaNs, on every kernel the CPU runs.
func TestTanhInPlace(t *testing.T) {
	const halfMaxLog = 0.5 * 8.8029691931113054295988e+01
	xs := []float64{0, math.Copysign(0, -1), math.NaN(), math.Inf(1), math.Inf(-1), 1e-300, -1e-300,
		math.SmallestNonzeroFloat64, -math.SmallestNonzeroFloat64, 0.625, -0.625,
		math.Nextafter(0.625, 0), math.Nextafter(-0.625, 0), halfMaxLog, -halfMaxLog,
		math.Nextafter(halfMaxLog, 100), math.Nextafter(-halfMaxLog, -100), 700, -700, 1e300, -1e300}
	for k := 1; k <= 128; k++ { // 2|x|·log2(e) near k + 1/2
		x := (float64(k) + 0.5) * math.Ln2 / 2
		xs = append(xs, x, -x, math.Nextafter(x, 0), math.Nextafter(x, 100))
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 200000 {
		xs = append(xs, (rng.Float64()*2-1)*6)
	}
	for range 50000 {
		xs = append(xs, (rng.Float64()*2-1)*math.Exp(rng.Float64()*60-50))
	}
	paths := tanhPaths()
	if len(paths) == 1 {
		t.Log("no AVX2 and FMA here: the kernels are not tested")
	}
	defer setTanhPath(setTanhPath(tanhGeneric))
	for _, p := range paths {
		setTanhPath(p)
		// Every tail length after the eight- and four-lane blocks, and a
		// NaN in a block or not.
		for tail := range 8 {
			for _, nan := range []bool{false, true} {
				in := append(append([]float64(nil), xs...), 0.3, -2, 0.7, -0.1, 3, -0.625, 1e-3)
				in = in[:len(xs)+tail]
				if !nan {
					in = slices.DeleteFunc(in, math.IsNaN)
				}
				z := append([]float64(nil), in...)
				tanhInPlace(z)
				for i, x := range in {
					want := math.Tanh(x)
					if math.Float64bits(z[i]) != math.Float64bits(want) {
						t.Fatalf("%s, tail %d: tanh(%v) = %v (%#x), math.Tanh %v (%#x)",
							p, tail, x, z[i], math.Float64bits(z[i]), want, math.Float64bits(want))
					}
				}
			}
		}
	}
}

// TestTanhBackprop holds Backprop's tanh step on every kernel path to the
// plain loop, bit for bit, on every length up to a few blocks.
func TestTanhBackprop(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	defer setTanhPath(setTanhPath(tanhGeneric))
	for n := range 19 {
		y, d := make([]float64, n), make([]float64, n)
		for i := range y {
			y[i] = math.Tanh((rng.Float64()*2 - 1) * 4)
			d[i] = (rng.Float64()*2 - 1) * math.Exp2(float64(rng.IntN(20)-10))
		}
		want := slices.Clone(d)
		for i, v := range y {
			want[i] *= 1 - v*v
		}
		for _, p := range tanhPaths() {
			setTanhPath(p)
			got := slices.Clone(d)
			Tanh.Backprop(y, got)
			for i := range got {
				if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
					t.Fatalf("%s, %d values: d[%d] = %v, want %v", p, n, i, got[i], want[i])
				}
			}
		}
	}
}

func BenchmarkTanh(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	z := make([]float64, 256*64)
	src := make([]float64, len(z))
	for i := range src {
		src[i] = rng.NormFloat64()
	}
	defer setTanhPath(setTanhPath(tanhGeneric))
	for _, p := range tanhPaths() {
		b.Run(string(p), func(b *testing.B) {
			setTanhPath(p)
			for b.Loop() {
				copy(z, src)
				tanhInPlace(z)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(z)), "ns/value")
		})
	}
}
