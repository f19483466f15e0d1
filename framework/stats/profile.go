package stats

import (
	"fmt"
	"math"
	"slices"
)

// Median returns the median of x: the middle value of the sorted sample,
// or the mean of the two middle values when n is even (numpy.median,
// which rliable's aggregate_median applies to the flattened matrix). It
// returns NaN when x is empty or holds a NaN. x is not modified.
func Median(x []float64) float64 {
	n := len(x)
	if n == 0 || hasNaN(x) {
		return math.NaN()
	}
	s := slices.Clone(x)
	slices.Sort(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// FractionAbove returns the fraction of x strictly above tau: one point of
// a run-score distribution, the performance profile of Agarwal et al.
// (rliable's run_score_distribution, which compares with >). It returns
// NaN when x is empty or holds a NaN.
func FractionAbove(x []float64, tau float64) float64 {
	if len(x) == 0 || hasNaN(x) {
		return math.NaN()
	}
	k := 0
	for _, v := range x {
		if v > tau {
			k++
		}
	}
	return float64(k) / float64(len(x))
}

// Profile is a performance profile: at each threshold Tau[i], the
// fraction of runs whose score exceeds it, with its stratified bootstrap
// interval.
type Profile struct {
	Tau      []float64  `json:"tau"`
	Fraction []Interval `json:"fraction"`
}

// PerformanceProfile returns the run-score distribution of
// scores[task][run] at every threshold of taus: the fraction of all
// (task, run) entries pooled together that score above τ, as rliable's
// create_performance_profile computes on its flattened matrix, with a
// 1 − α percentile stratified bootstrap band. Every threshold shares the
// same resamples, so the band at each τ equals what Options.Estimate gives
// for Pooled(FractionAbove at τ) alone. It fails as BootstrapCI does, and
// on no thresholds or a non-finite one (ErrInvalid, ErrNonFinite).
func PerformanceProfile(scores [][]float64, taus []float64, opt Options) (Profile, error) {
	o := opt.withDefaults()
	if err := checkSettings(o.Reps, o.Alpha); err != nil {
		return Profile{}, fmt.Errorf("performance profile: %w", err)
	}
	if err := checkMatrix("performance profile: scores", scores); err != nil {
		return Profile{}, err
	}
	if len(taus) == 0 {
		return Profile{}, fmt.Errorf("performance profile: no thresholds: %w", ErrInvalid)
	}
	fs := make([]statFunc, len(taus))
	for i, tau := range taus {
		if !finite(tau) {
			return Profile{}, fmt.Errorf("performance profile: threshold %d is %g: %w", i, tau, ErrNonFinite)
		}
		f := Pooled(func(x []float64) float64 { return FractionAbove(x, tau) })
		fs[i] = func(ms [][][]float64) float64 { return f(ms[0]) }
	}
	ivs, err := bootstrap([][][]float64{scores}, fs, o.Reps, o.Alpha, o.Seed)
	if err != nil {
		return Profile{}, fmt.Errorf("performance profile: %w", err)
	}
	return Profile{Tau: slices.Clone(taus), Fraction: ivs}, nil
}

// Thresholds returns n ≥ 2 evenly spaced thresholds from lo to hi
// inclusive, the τ grid of a performance profile.
func Thresholds(lo, hi float64, n int) []float64 {
	if n < 2 {
		return []float64{lo}
	}
	out := make([]float64, n)
	for i := range out {
		out[i] = lo + (hi-lo)*float64(i)/float64(n-1)
	}
	out[n-1] = hi
	return out
}

// MinReliableRuns is the fewest runs per task for which this package's
// intervals mean something. A stratified bootstrap of n runs can draw only
// C(2n−1, n) distinct resamples of a task: 10 for 3 runs, 35 for 4 and 126
// for 5. With 3 runs the 2.5% and 97.5% quantiles fall on a handful of
// resamples, and when those coincide the interval collapses to a point,
// as in "0.25 [0.25, 0.25]". Agarwal et al. advise against reading
// intervals from fewer than five runs.
const MinReliableRuns = 5

// DistinctResamples returns C(2n−1, n), the number of distinct multisets
// of n draws with replacement from n runs: how many different samples the
// bootstrap can make of one task. It saturates at math.MaxInt.
func DistinctResamples(n int) int {
	if n <= 0 {
		return 0
	}
	// C(2n−1, n) = Π_{i=1..n} (n−1+i)/i, exact at every step.
	c := 1
	for i := 1; i <= n; i++ {
		hiProd, lo := mulOverflow(c, n-1+i)
		if hiProd {
			return math.MaxInt
		}
		c = lo / i
	}
	return c
}

// mulOverflow returns a·b and whether it overflowed an int.
func mulOverflow(a, b int) (bool, int) {
	if a != 0 && b > math.MaxInt/a {
		return true, 0
	}
	return false, a * b
}
