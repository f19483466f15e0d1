package expert

import "math"

// sincosBatch sets sin[i], cos[i] = math.Sincos(x[i]) for every i, bit for
// bit (math.Sincos is math.Sin and math.Cos bit for bit). On amd64 with
// AVX2 or AVX-512 it runs the same algorithm four or eight values at a
// time; the rare arguments that algorithm leaves to math's slow path
// (|x| ≥ 2^29, NaN, ±Inf), which the kernels report, are redone one at a
// time.
func sincosBatch(x, sin, cos []float64) {
	sin, cos = sin[:len(x)], cos[:len(x)]
	done, redo := sincosVector(x, sin, cos)
	if redo {
		for i, v := range x[:done] {
			if !(math.Abs(v) < 1<<29) {
				sin[i], cos[i] = math.Sincos(v)
			}
		}
	}
	for i := done; i < len(x); i++ {
		sin[i], cos[i] = math.Sincos(x[i])
	}
}

// sincosPath names a sincos kernel.
type sincosPath string

const (
	sincosGeneric    sincosPath = "generic"
	sincosAVX2Path   sincosPath = "avx2"
	sincosAVX512Path sincosPath = "avx512"
)
