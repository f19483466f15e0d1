package stats

import (
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/mathext"
)

// SpreadCI returns the sample standard deviation (n − 1) of x, the scores
// of one student on one task across seeds, with its percentile bootstrap
// interval (seeds resampled with replacement). With 3 to 10 seeds the
// interval is wide; that width is the point: it says how much a difference
// of spreads between two students can mean.
func SpreadCI(x []float64, opt Options) (Interval, error) {
	if len(x) < 2 {
		return Interval{}, fmt.Errorf("spread: %d scores, need at least 2: %w", len(x), ErrInvalid)
	}
	return opt.Estimate([][]float64{x}, Pooled(SampleStd))
}

// BrownForsythe tests whether two samples have the same spread: Levene's
// test centred on the medians (Brown & Forsythe, 1974), robust to
// non-normal scores. It returns the statistic F, which follows F(1, n−2)
// under equal spreads (n the total sample size), and the p-value
// P(F(1, n−2) ≥ F). It equals scipy.stats.levene(x, y, center="median").
// Each sample needs at least two values; when every value of both samples
// equals its own sample's median F is undefined and an error is returned.
func BrownForsythe(x, y []float64) (f, p float64, err error) {
	if len(x) < 2 || len(y) < 2 {
		return math.NaN(), math.NaN(), fmt.Errorf("brown-forsythe: samples of %d and %d values, need at least 2 each: %w", len(x), len(y), ErrInvalid)
	}
	if hasNaN(x) || hasNaN(y) {
		return math.NaN(), math.NaN(), fmt.Errorf("brown-forsythe: NaN score: %w", ErrInvalid)
	}
	zx, zy := absDeviations(x), absDeviations(y)
	mx, my := Mean(zx), Mean(zy)
	n := float64(len(x) + len(y))
	grand := (mx*float64(len(x)) + my*float64(len(y))) / n
	between := float64(len(x))*(mx-grand)*(mx-grand) + float64(len(y))*(my-grand)*(my-grand)
	within := sumSquaredDeviations(zx) + sumSquaredDeviations(zy)
	if within == 0 {
		return math.NaN(), math.NaN(), fmt.Errorf("brown-forsythe: no spread about the medians in either sample: %w", ErrInvalid)
	}
	d2 := n - 2
	f = d2 * between / within
	return f, FSurvival(f, 1, d2), nil
}

// absDeviations returns |x_i − median(x)|.
func absDeviations(x []float64) []float64 {
	s := slices.Clone(x)
	slices.Sort(s)
	k := len(s)
	med := s[k/2]
	if k%2 == 0 {
		med = (s[k/2-1] + s[k/2]) / 2
	}
	z := make([]float64, k)
	for i, v := range x {
		z[i] = math.Abs(v - med)
	}
	return z
}

// FSurvival returns P(X ≥ f) for X following the F distribution with d1 and
// d2 degrees of freedom: I_{d2/(d2+d1·f)}(d2/2, d1/2).
func FSurvival(f, d1, d2 float64) float64 {
	if !(d1 > 0 && d2 > 0) || math.IsNaN(f) {
		return math.NaN()
	}
	if f <= 0 {
		return 1
	}
	if math.IsInf(f, 1) {
		return 0
	}
	return RegIncBeta(d2/2, d1/2, d2/(d2+d1*f))
}

// RegIncBeta returns the regularised incomplete beta function I_x(a, b)
// (gonum's mathext.RegIncBeta), and NaN outside a, b > 0 and x in [0, 1],
// where gonum panics.
func RegIncBeta(a, b, x float64) float64 {
	if !(a > 0 && b > 0) || !(x >= 0 && x <= 1) {
		return math.NaN()
	}
	return mathext.RegIncBeta(a, b, x)
}
