package pymath

import "math"

// MountainCar's dynamics call Python's math.cos, which is the C library's
// cos. glibc's cos (IBM's s_sin.c) is correctly rounded in most cases but
// not all, and Go's math.Cos differs from it in the last bit for about a
// quarter of the arguments MountainCar uses. Cos redoes glibc's cos
// operation for operation, as its FMA variant (selected on x86-64 CPUs with
// FMA and AVX2) computes it: |x| < 0.855469 from the sin/cos table of
// x = i/128 and short Taylor series; up to 2.426265 as sin(pi/2 - |x|);
// beyond, after reducing x by multiples of pi/2 in double-double. Arguments
// of 105414350 or more (which need glibc's multi-precision reduction) and
// non-finite ones fall back to math.Cos. The table is in glibc_data.go.

var (
	gcBig   = math.Float64frombits(0x42c8000000000000) // 52776558133248: rounds to 1/128
	gcSn3   = math.Float64frombits(0xbfc5555555555515)
	gcSn5   = math.Float64frombits(0x3f811110e829872f)
	gcCs2   = math.Float64frombits(0x3fe0000000000000)
	gcCs4   = math.Float64frombits(0xbfa5555555555535)
	gcCs6   = math.Float64frombits(0x3f56c16bedd9e239)
	gcS1    = math.Float64frombits(0xbfc5555555555555)
	gcS2    = math.Float64frombits(0x3f81111111110ece)
	gcS3    = math.Float64frombits(0xbf2a01a019db08b8)
	gcS4    = math.Float64frombits(0x3ec71de27b9a7ed9)
	gcS5    = math.Float64frombits(0xbe5addffc2fcdf59)
	gcHp0   = math.Float64frombits(0x3ff921fb54442d18) // pi/2, high part
	gcHp1   = math.Float64frombits(0x3c91a62633145c07) // pi/2, low part
	gcHpInv = math.Float64frombits(0x3fe45f306dc9c883) // 2/pi
	gcToInt = math.Float64frombits(0x4338000000000000) // 1.5 * 2^52
	gcMp1   = math.Float64frombits(0x3ff921fb58000000)
	gcMp2   = math.Float64frombits(0xbe4dde973c000000)
	gcPp3   = math.Float64frombits(0xbc8cb3b398000000)
	gcPp4   = math.Float64frombits(0xbacd747f23e32ed7)
)

// Cos returns math.cos(x) as Python on glibc computes it.
func Cos(x float64) float64 {
	k := uint32(math.Float64bits(x)>>32) & 0x7fffffff
	switch {
	case k < 0x3e400000: // |x| < 2^-27
		return 1
	case k < 0x3feb6000: // |x| < 0.855469
		dx := 0.0
		if x < 0 {
			dx = math.Copysign(0, -1)
		}
		return glibcDoCos(math.Abs(x), dx)
	case k < 0x400368fd: // |x| < 2.426265
		y := gcHp0 - math.Abs(x)
		a := y + gcHp1
		da := (y - a) + gcHp1
		return glibcDoSin(a, da)
	case k < 0x419921fb: // |x| < 105414350
		a, da, n := glibcReduce(x)
		var r float64
		if (n+1)&1 != 0 {
			if a < 0 {
				da = -da
			}
			r = glibcDoCos(math.Abs(a), da)
		} else {
			r = glibcDoSin(a, da)
		}
		if (n+1)&2 != 0 {
			r = -r
		}
		return r
	}
	return math.Cos(x)
}

// glibcDoCos is s_sin.c's do_cos for ax = |a| and the correction dx
// already given the sign do_cos gives it.
func glibcDoCos(ax, dx float64) float64 {
	u := gcBig + ax
	x := ax - (u - gcBig)
	x += dx
	i := 4 * int(int32(uint32(math.Float64bits(u))))
	sn, ssn := math.Float64frombits(sincosTab[i]), math.Float64frombits(sincosTab[i+1])
	cs, ccs := math.Float64frombits(sincosTab[i+2]), math.Float64frombits(sincosTab[i+3])
	xx := x * x
	s := math.FMA(x*xx, math.FMA(xx, gcSn5, gcSn3), x)
	c := xx * math.FMA(xx, math.FMA(xx, gcCs6, gcCs4), gcCs2)
	cor := math.FMA(-s, ssn, ccs)
	cor = math.FMA(-c, cs, cor)
	cor = math.FMA(-s, sn, cor)
	return cs + cor
}

// glibcDoSin is s_sin.c's do_sin(a, da).
func glibcDoSin(a, da float64) float64 {
	if math.Abs(a) < 0.126 {
		// TAYLOR_SIN(a*a, a, da)
		xx := a * a
		p := math.FMA(xx, gcS5, gcS4)
		p = math.FMA(xx, p, gcS3)
		p = math.FMA(xx, p, gcS2)
		p = math.FMA(xx, p, gcS1)
		t := math.FMA(p, a, -(da * gcCs2)) // poly*a - 0.5*da
		t = math.FMA(xx, t, da)
		return a + t
	}
	dx := da
	if a <= 0 {
		dx = -dx
	}
	ax := math.Abs(a)
	u := gcBig + ax
	x := ax - (u - gcBig)
	i := 4 * int(int32(uint32(math.Float64bits(u))))
	sn, ssn := math.Float64frombits(sincosTab[i]), math.Float64frombits(sincosTab[i+1])
	cs, ccs := math.Float64frombits(sincosTab[i+2]), math.Float64frombits(sincosTab[i+3])
	xx := x * x
	s := x + math.FMA(x*xx, math.FMA(xx, gcSn5, gcSn3), dx)
	c := math.FMA(x, dx, xx*math.FMA(xx, math.FMA(xx, gcCs6, gcCs4), gcCs2))
	cor := math.FMA(s, ccs, ssn)
	cor = math.FMA(-c, sn, cor)
	cor = math.FMA(s, cs, cor)
	return math.Copysign(sn+cor, a)
}

// glibcReduce is s_sin.c's reduce_sincos: x = n pi/2 + a + da, n mod 4.
func glibcReduce(x float64) (a, da float64, n int) {
	t := math.FMA(x, gcHpInv, gcToInt)
	xn := t - gcToInt
	n = int(math.Float64bits(t) & 3)
	y := math.FMA(-xn, gcMp1, x)
	y = math.FMA(-xn, gcMp2, y)
	t2 := math.FMA(-xn, gcPp3, y)
	db := math.FMA(-xn, gcPp3, y-t2)
	b := math.FMA(-xn, gcPp4, t2)
	db += math.FMA(-xn, gcPp4, t2-b)
	return b, db, n
}
