package expert

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestSincosBatch holds the batched sine and cosine to math.Sin and
// math.Cos bit for bit, on every code path: the vector kernel, its scalar
// tail, and the arguments it hands back to math.
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
	xs = append(xs, 1.5, -2.5, 3.5) // a scalar tail after the vector blocks
	same := func(a, b float64) bool {
		return math.Float64bits(a) == math.Float64bits(b) || (math.IsNaN(a) && math.IsNaN(b))
	}
	for _, vector := range []bool{true, false} {
		if vector && !haveSincosAVX2 {
			t.Log("no AVX2 on this CPU: the vector kernel is not tested")
			continue
		}
		restore := haveSincosAVX2
		setSincosAVX2(vector)
		sin, cos := make([]float64, len(xs)), make([]float64, len(xs))
		sincosBatch(xs, sin, cos)
		setSincosAVX2(restore)
		for i, x := range xs {
			if !same(sin[i], math.Sin(x)) || !same(cos[i], math.Cos(x)) {
				t.Fatalf("vector %v: sincos(%v) = %v, %v; math gives %v, %v", vector, x, sin[i], cos[i], math.Sin(x), math.Cos(x))
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
