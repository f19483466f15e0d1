package numpyrand

import (
	"math"
	"sync"
)

// The normal ziggurat's parameters (Marsaglia and Tsang, 2000, for 256
// layers): the base layer's right edge r, 1/r, and the area v of each layer.
const (
	zigguratR    = 3.6541528853610087963519472518
	zigguratInvR = 0.27366123732975827203338247596
	zigguratV    = 4.928673233974652e-3
)

// ziggurat holds the layer tables numpy's random_standard_normal reads:
// k, the acceptance thresholds on the 52-bit magnitude; w, the scale from
// magnitude to x; f, the density at each layer's edge.
type ziggurat struct {
	k    [256]uint64
	w, f [256]float64
}

// zigguratTables builds the tables once, by the recurrence that defines
// the layers: each layer has area v, so the next edge x' solves
// f(x') = v/x + f(x), with f(x) = exp(-x²/2).
var zigguratTables = sync.OnceValue(func() *ziggurat {
	const m = 1 << 52
	z := new(ziggurat)
	dn := zigguratR
	tn := dn
	q := zigguratV / math.Exp(-0.5*dn*dn)
	z.k[0] = uint64(dn / q * m)
	z.k[1] = 0
	z.w[0] = q / m
	z.w[255] = dn / m
	z.f[0] = 1
	z.f[255] = math.Exp(-0.5 * dn * dn)
	for i := 254; i >= 1; i-- {
		dn = math.Sqrt(-2 * math.Log(zigguratV/dn+math.Exp(-0.5*dn*dn)))
		z.k[i+1] = uint64(dn / tn * m)
		tn = dn
		z.f[i] = math.Exp(-0.5 * dn * dn)
		z.w[i] = dn / m
	}
	return z
})
