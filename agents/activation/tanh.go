package activation

import "math"

// tanhInPlace sets z[i] = math.Tanh(z[i]) for every i, bit for bit. On
// amd64 with AVX2 and FMA a kernel computes four values at a time by
// math.Tanh's own steps; NaNs and the tail are left to math.Tanh.
func tanhInPlace(z []float64) {
	done := tanhVector(z)
	for i := range z[:done] {
		if v := z[i]; v != v {
			z[i] = math.Tanh(v)
		}
	}
	for i := done; i < len(z); i++ {
		z[i] = math.Tanh(z[i])
	}
}
