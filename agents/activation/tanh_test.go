package activation

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestTanhInPlace holds the batched tanh to math.Tanh bit for bit on both
// paths: every branch of math.Tanh and its edges, the points where Exp's
// exponent rounds the other way, subnormals, NaN and ±Inf, random values
// over the range that matters, and a tail after the vector blocks.
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
	xs = append(xs, 0.3, -2) // a tail
	defer setVectorTanh(setVectorTanh(true))
	for _, vector := range []bool{true, false} {
		if setVectorTanh(vector); vector && !vectorTanh {
			t.Log("no AVX2 and FMA here: the kernel is not tested")
			continue
		}
		z := append([]float64(nil), xs...)
		tanhInPlace(z)
		for i, x := range xs {
			want := math.Tanh(x)
			if math.Float64bits(z[i]) != math.Float64bits(want) && !(math.IsNaN(z[i]) && math.IsNaN(want)) {
				t.Fatalf("vector %v: tanh(%v) = %v, math.Tanh %v", vector, x, z[i], want)
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
	defer setVectorTanh(setVectorTanh(true))
	for _, c := range []struct {
		name   string
		vector bool
	}{{"math.Tanh", false}, {"vector", true}} {
		b.Run(c.name, func(b *testing.B) {
			setVectorTanh(c.vector)
			for b.Loop() {
				copy(z, src)
				tanhInPlace(z)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(z)), "ns/value")
		})
	}
}
