package pymath

import "math"

// Gymnasium's environments call numpy's sin and cos (np.sin, np.cos, and
// numpy's cos/sin imported into acrobot.py) on float64 scalars. On x86-64
// CPUs with AVX-512, numpy 1.24 (the version Gymnasium's reference data was
// recorded with) computes these with Intel's SVML "low accuracy" kernels
// (__svml_sin8 and __svml_cos8, vendored in numpy as svml_z0_sin_d_la.s and
// svml_z0_cos_d_la.s), which differ from a correctly rounded sine, and
// from Go's math.Sin, in the last bit of about half of all arguments. Open-loop replays of CartPole and Pendulum amplify such a
// bit into visible differences within a few hundred steps, so NumpySin and
// NumpyCos redo the SVML kernels' arithmetic, fused multiply-add for fused
// multiply-add, and so return the very same doubles.
//
// Both kernels reduce the argument by multiples of pi with a three-part pi,
// then evaluate an odd polynomial of degree 15; outside their fast path
// (|x| > 2^24 for sin, |x|/pi > 8388606 for cos, and NaN or infinite
// arguments) SVML switches to a table-driven reduction that is not
// reproduced here: those arguments fall back to Go's math.Sin and math.Cos,
// which agree to within an ulp or two. None of the environments reaches
// them in an episode.

// Three-part pi of both kernels.
var (
	svmlPi1   = math.Float64frombits(0x400921FB54442D18)
	svmlPi2   = math.Float64frombits(0x3CA1A62633145C06)
	svmlPi3   = math.Float64frombits(0x395C1CD129024E09)
	svmlInvPi = math.Float64frombits(0x3FD45F306DC9C883)
)

// __svml_dsin_data_internal: the polynomial's coefficients (C3 ... C15),
// the rounding shifter 1.5*2^52 and the fast-path limit 2^24.
var (
	sinC3    = math.Float64frombits(0xBFC55555555554A8)
	sinC5    = math.Float64frombits(0x3F8111111110A573)
	sinC7    = math.Float64frombits(0xBF2A01A019A659DD)
	sinC9    = math.Float64frombits(0x3EC71DE3806ADD1A)
	sinC11   = math.Float64frombits(0xBE5AE6355AAA4A53)
	sinC13   = math.Float64frombits(0x3DE60E6BEE01D83E)
	sinC15   = math.Float64frombits(0xBD69F1517E9F65F0)
	sinShift = math.Float64frombits(0x4338000000000000)
	sinLimit = math.Float64frombits(0x4170000000000000)
)

// __svml_dcos_data_internal: its own coefficients, the shifter 2^52 (used
// with rounding toward zero), 2^52 - 0.5 to recover N + 0.5, the limit on
// N, and 2^-27, below which cos returns 1. (SVML recovers N + 0.5 by
// subtracting 2^52 - 0.5 from the shifted value; adding 0.5 to N is the
// same exact result.)
var (
	cosC3   = math.Float64frombits(0xBFC55555555554A7)
	cosC5   = math.Float64frombits(0x3F8111111110A4A8)
	cosC7   = math.Float64frombits(0xBF2A01A019A5B87B)
	cosC9   = math.Float64frombits(0x3EC71DE38030FEA0)
	cosC11  = math.Float64frombits(0xBE5AE63546002231)
	cosC13  = math.Float64frombits(0x3DE60E6857A2F220)
	cosC15  = math.Float64frombits(0xBD69F0D60811AAC8)
	cosMaxN = 8388606.0
	cosTiny = math.Float64frombits(0x3E40000000000000)
)

// NumpySin is numpy's float64 sin as __svml_sin8 computes it.
func NumpySin(x float64) float64 {
	if !(math.Abs(x) <= sinLimit) { // also NaN
		return math.Sin(x)
	}
	if x == 0 {
		return x // SVML restores the sign of a zero argument
	}
	// N = round(x/pi) through the shifter; its parity is the low bit.
	y := math.FMA(x, svmlInvPi, sinShift)
	sign := math.Float64bits(y) << 63
	n := y - sinShift
	r := math.FMA(-n, svmlPi1, x)
	r = math.FMA(-n, svmlPi2, r)
	r2 := r * r // from the two-part remainder, as SVML does
	rr := math.FMA(-n, svmlPi3, r)
	p := math.FMA(r2, sinC15, sinC13)
	r3 := r2 * rr
	p = math.FMA(r2, p, sinC11)
	p = math.FMA(r2, p, sinC9)
	p = math.FMA(r2, p, sinC7)
	p = math.FMA(r2, p, sinC5)
	p = math.FMA(r2, p, sinC3)
	res := math.FMA(r3, p, rr)
	return math.Float64frombits(math.Float64bits(res) ^ sign)
}

// NumpyCos is numpy's float64 cos as __svml_cos8 computes it: cos(x) =
// sin((N + 1/2) pi - |x|) with N = floor(|x|/pi), negated for odd N.
func NumpyCos(x float64) float64 {
	ax := math.Abs(x)
	if ax < cosTiny {
		return 1
	}
	if !(ax <= math.MaxFloat64) { // NaN or infinite
		return math.Cos(x)
	}
	// SVML rounds |x|/pi + 2^52 toward zero, i.e. takes floor(|x|/pi) of
	// the exact product. p + e is that product exactly.
	p := ax * svmlInvPi
	e := math.FMA(ax, svmlInvPi, -p)
	n := math.Floor(p)
	if n == p && e < 0 {
		n--
	}
	if n > cosMaxN {
		return math.Cos(x)
	}
	sign := uint64(n) << 63
	dn := n + 0.5 // y - (2^52 - 0.5) in SVML, exact
	r := math.FMA(dn, svmlPi1, -ax)
	r = math.FMA(svmlPi2, dn, r)
	r2 := r * r
	rr := math.FMA(svmlPi3, dn, r)
	p = math.FMA(cosC15, r2, cosC13)
	p = math.FMA(r2, p, cosC11)
	p = math.FMA(r2, p, cosC9)
	p = math.FMA(r2, p, cosC7)
	rs := math.Float64frombits(math.Float64bits(rr) ^ sign)
	p = math.FMA(r2, p, cosC5)
	r3 := rs * r2
	p = math.FMA(r2, p, cosC3)
	return math.FMA(r3, p, rs)
}
