package activation

import "math"

// tanhInPlace sets z[i] = math.Tanh(z[i]) for every i, bit for bit. On
// amd64 with AVX2 and FMA a kernel computes four or eight values at a time
// by math.Tanh's own steps; NaNs (which the kernel reports) and the tail
// are left to math.Tanh.
func tanhInPlace(z []float64) {
	done, nans := tanhVector(z)
	if nans {
		for i := range z[:done] {
			if v := z[i]; v != v {
				z[i] = math.Tanh(v)
			}
		}
	}
	for i := done; i < len(z); i++ {
		z[i] = math.Tanh(z[i])
	}
}

// tanhPath names a tanh kernel.
type tanhPath string

const (
	tanhGeneric tanhPath = "generic"
	tanhAVX2    tanhPath = "avx2"
	tanhAVX512  tanhPath = "avx512"
)
