package expert

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestSincosBatch holds the batched sine and cosine to math.Sin and
// math.Cos bit for bit, on every code path: each vector kernel the CPU
// has, the tails after its blocks, and the arguments it hands back to
// math.
func TestSincosBatch(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	xs := []float64{0, math.Copysign(0, -1), math.Pi, -math.Pi, math.Pi / 2, -math.Pi / 2, math.Pi / 4, 3 * math.Pi / 4,
		1 << 29, -(1 << 29), math.Nextafter(1<<29, 0), 1e300, math.Inf(1), math.Inf(-1), math.NaN(),
		math.SmallestNonzeroFloat64, -math.SmallestNonzeroFloat64, 1e-300}
	for k := range 16 { // every octant boundary, and its neighbours
		b := float64(k) * math.Pi / 4
		xs = append(xs, b, -b, math.Nextafter(b, 100), math.Nextafter(b, -100))
	}
	for range 200000 {
		xs = append(xs, (rng.Float64()*2-1)*4*math.Pi)
	}
	for range 20000 {
		xs = append(xs, (rng.Float64()*2-1)*math.Exp(rng.Float64()*40-20))
	}
	same := func(a, b float64) bool {
		return math.Float64bits(a) == math.Float64bits(b) || (math.IsNaN(a) && math.IsNaN(b))
	}
	paths := sincosPaths()
	if len(paths) == 1 {
		t.Log("no AVX2 on this CPU: the vector kernels are not tested")
	}
	defer setSincosPath(setSincosPath(sincosGeneric))
	for _, p := range paths {
		setSincosPath(p)
		// Every tail length after the eight- and four-lane blocks, with
		// and without arguments for math's slow path.
		for tail := range 8 {
			for _, slow := range []bool{false, true} {
				in := append(slices.Clone(xs), 1.5, -2.5, 3.5, 0.1, -7, 2, 9)[:len(xs)+tail]
				if !slow {
					in = slices.DeleteFunc(in, func(v float64) bool { return !(math.Abs(v) < 1<<29) })
				}
				sin, cos := make([]float64, len(in)), make([]float64, len(in))
				sincosBatch(in, sin, cos)
				for i, x := range in {
					if !same(sin[i], math.Sin(x)) || !same(cos[i], math.Cos(x)) {
						t.Fatalf("%s, tail %d: sincos(%v) = %v, %v; math gives %v, %v", p, tail, x, sin[i], cos[i], math.Sin(x), math.Cos(x))
					}
				}
			}
		}
	}
}

func BenchmarkSincosBatch(b *testing.B) {
	rng := rand.New(rand.NewPCG(9, 10))
	xs := make([]float64, 1024)
	for i := range xs {
		xs[i] = (rng.Float64()*2 - 1) * 4 * math.Pi
	}
	sin, cos := make([]float64, len(xs)), make([]float64, len(xs))
	b.Run("batch", func(b *testing.B) {
		for b.Loop() {
			sincosBatch(xs, sin, cos)
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(xs)), "ns/value")
	})
	b.Run("math.Sincos", func(b *testing.B) {
		for b.Loop() {
			for i, x := range xs {
				sin[i], cos[i] = math.Sincos(x)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(xs)), "ns/value")
	})
}
