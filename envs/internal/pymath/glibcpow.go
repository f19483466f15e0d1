package pymath

import "math"

// Gymnasium squares numbers with Python's ** operator in Acrobot's dynamics
// (dtheta1**2, dtheta2**2, d2**2) and Pendulum's reward (theta**2,
// thetadot**2). On a numpy float64 scalar or a Python float that is the C
// library's pow(x, 2.0), and glibc's pow is not correctly rounded: in
// about one case in a thousand it differs from x*x in the last bit, which
// Pendulum's exactly compared reward shows directly. Square therefore
// redoes glibc's pow for y = 2 operation for operation (its FMA variant,
// which glibc 2.28 and later select on x86-64 CPUs with FMA and AVX2, and
// which reproduces Gymnasium's reference data): log(|x|) in double-double from
// a 128-entry table, times 2, and exp of that from a 256-entry table. The
// tables are glibc_data.go.

var (
	powLn2hi    = math.Float64frombits(powLogData[0])
	powLn2lo    = math.Float64frombits(powLogData[1])
	powA0       = math.Float64frombits(powLogData[2])
	powA1       = math.Float64frombits(powLogData[3])
	powA2       = math.Float64frombits(powLogData[4])
	powA3       = math.Float64frombits(powLogData[5])
	powA4       = math.Float64frombits(powLogData[6])
	powA5       = math.Float64frombits(powLogData[7])
	powA6       = math.Float64frombits(powLogData[8])
	expInvLn2N  = math.Float64frombits(expData[0])
	expNegLn2hi = math.Float64frombits(expData[1])
	expNegLn2lo = math.Float64frombits(expData[2])
	expC2       = math.Float64frombits(expData[3])
	expC3       = math.Float64frombits(expData[4])
	expC4       = math.Float64frombits(expData[5])
	expC5       = math.Float64frombits(expData[6])
	expShift    = math.Float64frombits(expData[7])
)

// Square returns x**2 as Python (glibc's pow) computes it.
//
// glibc documents pow's worst-case error as 0.54 ULP: before its final
// rounding it is within 0.04 ULP of the exact x². Wherever the exact
// square lies farther than that from a rounding midpoint, pow therefore
// rounds exactly as the correctly rounded x*x does, and that is returned
// at once; only squares within 1/8 ULP of a midpoint (a quarter of all)
// take glibc's path.
func Square(x float64) float64 {
	p := x * x
	if pb := math.Float64bits(p); pb&(1<<52-1) != 0 && pb>>52 > 54 && pb>>52 < 0x7ff {
		// p is normal, not a power of two (where the spacing below
		// halves) and far from subnormal: its ulp is 2^(e-52).
		ulp := math.Float64frombits(pb&(0x7ff<<52)) * 0x1p-52
		if e := math.FMA(x, x, -p); math.Abs(e) < 0.375*ulp {
			return p
		}
	}
	return glibcSquare(x)
}

// glibcSquare is glibc's pow(x, 2.0), operation for operation.
func glibcSquare(x float64) float64 {
	ax := math.Abs(x) // pow(x, 2) = pow(|x|, 2): 2 is an even integer
	ix := math.Float64bits(ax)
	if top := ix >> 52; top == 0 || top >= 0x7ff {
		// Zero, subnormal, infinite or NaN: glibc's special cases give
		// x*x's value (a subnormal x squares to zero either way).
		return x * x
	}

	// log(|x|) = k ln2 + log(c) + log1p(z/c - 1), as hi + lo.
	const off = 0x3fe6955500000000
	tmp := ix - off
	i := (tmp >> 45) & 127
	k := int64(tmp) >> 52
	iz := ix - tmp&(0xfff<<52)
	z := math.Float64frombits(iz)
	kd := float64(k)
	invc := math.Float64frombits(powLogTab[i][0])
	logc := math.Float64frombits(powLogTab[i][1])
	logctail := math.Float64frombits(powLogTab[i][2])

	t1 := math.FMA(kd, powLn2hi, logc)
	lo1 := math.FMA(kd, powLn2lo, logctail)
	r := math.FMA(z, invc, -1.0)
	ar := r * powA0
	q12 := math.FMA(r, powA2, powA1)
	q34 := math.FMA(r, powA4, powA3)
	t2 := r + t1
	ar2 := r * ar
	lo2 := t1 - t2
	ar3 := r * ar2
	lo3 := math.FMA(ar, r, -ar2)
	lo2 += r
	q56 := math.FMA(r, powA6, powA5)
	hi := t2 + ar2
	lo4 := t2 - hi
	q := math.FMA(q56, ar2, q34)
	lo4 += ar2
	q = math.FMA(ar2, q, q12)
	lo := lo1 + lo2
	lo += lo3
	lo += lo4
	lo = math.FMA(ar3, q, lo)
	lhi := hi + lo
	llo := hi - lhi
	llo += lo

	// exp(2 (lhi + llo)).
	ehi := 2 * lhi
	elo := math.FMA(2, llo, math.FMA(lhi, 2, -ehi))
	if abstop := (math.Float64bits(ehi) >> 52) & 0x7ff; abstop-0x3c9 >= 0x3f {
		// |2 log x| < 2^-54 (x is 1 to within rounding) or >= 512 (the
		// square overflows or is tiny): glibc's special cases round like
		// x*x there.
		return x * x
	}
	kd = math.FMA(ehi, expInvLn2N, expShift)
	ki := math.Float64bits(kd)
	kd -= expShift
	er := math.FMA(kd, expNegLn2hi, ehi)
	er = math.FMA(kd, expNegLn2lo, er)
	idx := 2 * (ki & 127)
	sbits := expTab[idx+1] + ki<<45
	tail := math.Float64frombits(expTab[idx])
	er = elo + er
	a := math.FMA(er, expC3, expC2)
	b := er + tail
	r2 := er * er
	c := math.FMA(er, expC5, expC4)
	t := math.FMA(a, r2, b)
	t = math.FMA(c, r2*r2, t)
	scale := math.Float64frombits(sbits)
	return math.FMA(scale, t, scale)
}
