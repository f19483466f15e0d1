package stats

import (
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"
	"slices"
)

// Defaults of the bootstrap, used by Options fields left at zero.
const (
	// DefaultReps is the number of bootstrap resamples. rliable's
	// get_interval_estimates uses 50,000, which narrows the Monte Carlo
	// error of the interval ends at 25 times the cost. 2,000 keeps a
	// report quick and its published intervals stable; README.md gives
	// the Monte Carlo error this leaves, as measured, and
	// arena report --bootstrap-reps sets any other number.
	DefaultReps = 2000
	// DefaultAlpha gives a 95% interval.
	DefaultAlpha = 0.05
)

// pcgStream is the second PCG seed word. It is fixed so that a bootstrap is
// a function of its one seed; its value only has to be odd-looking and never
// change, since changing it would change every published interval.
const pcgStream = 0x9e3779b97f4a7c15

// Interval is a point estimate with its confidence interval, Lo ≤ Hi. The
// point is the statistic on the data itself; it usually, but not
// necessarily, lies inside a percentile interval.
type Interval struct {
	Point float64 `json:"point"`
	Lo    float64 `json:"lo"`
	Hi    float64 `json:"hi"`
}

// String formats the interval as "point [lo, hi]" with 3 decimals, the
// form the result tables use.
func (iv Interval) String() string {
	return fmt.Sprintf("%.3f [%.3f, %.3f]", iv.Point, iv.Lo, iv.Hi)
}

// checkMatrix validates a score matrix for the bootstrap: at least one
// task, at least one run per task, every value finite. Infinite values are
// rejected too, since a mean with +Inf and −Inf resampled together is NaN.
func checkMatrix(name string, m [][]float64) error {
	if len(m) == 0 {
		return fmt.Errorf("%s has no tasks: %w", name, ErrEmpty)
	}
	for t, row := range m {
		if len(row) == 0 {
			return fmt.Errorf("%s task %d has no runs: %w", name, t, ErrEmpty)
		}
		for i, v := range row {
			if !finite(v) {
				return fmt.Errorf("%s task %d run %d is %g: %w", name, t, i, v, ErrNonFinite)
			}
		}
	}
	return nil
}

// checkSettings validates the bootstrap's reps and α.
func checkSettings(reps int, alpha float64) error {
	if reps < 1 {
		return fmt.Errorf("bootstrap reps %d < 1: %w", reps, ErrInvalid)
	}
	if !(alpha > 0 && alpha < 1) {
		return fmt.Errorf("bootstrap alpha %g outside (0, 1): %w", alpha, ErrInvalid)
	}
	return nil
}

// cloneMatrix returns a deep copy of m.
func cloneMatrix(m [][]float64) [][]float64 {
	out := make([][]float64, len(m))
	for t, row := range m {
		out[t] = slices.Clone(row)
	}
	return out
}

// statFunc is a statistic of any number of score matrices, the common form
// of MatrixStat and TwoSampleStat inside the bootstrap.
type statFunc func(ms [][][]float64) float64

// bootstrap runs the stratified bootstrap: in each of reps iterations it
// resamples every matrix of src independently and, within a matrix, every
// task independently (n_t draws with replacement from the task's n_t runs),
// then evaluates every statistic on the resample. It returns, per
// statistic, the point estimate on (a copy of) the data and the percentile
// interval of the replicates. The draws depend only on seed and the shape
// of src, not on the statistics, so statistics computed together share
// resamples and each gets the interval it would get alone.
//
// Draw order, fixed for reproducibility: per iteration, matrices in order,
// tasks in order, runs in order, one index(n_t) per run.
func bootstrap(src [][][]float64, stats []statFunc, reps int, alpha float64, seed uint64) ([]Interval, error) {
	out := make([]Interval, len(stats))
	for s, f := range stats {
		if f == nil {
			return nil, fmt.Errorf("bootstrap statistic %d is nil: %w", s, ErrInvalid)
		}
		data := make([][][]float64, len(src))
		for a, m := range src {
			data[a] = cloneMatrix(m)
		}
		p := f(data)
		if !finite(p) {
			return nil, fmt.Errorf("bootstrap statistic %d is %g on the data: %w", s, p, ErrNonFinite)
		}
		out[s].Point = p
	}

	rng := rand.NewPCG(seed, pcgStream)
	draw := allocLike(src)
	// With several statistics, each gets its own copy of the resample, so
	// one that reorders its input cannot change what the next one sees.
	// With one, the resample is refilled next iteration anyway.
	work := draw
	if len(stats) > 1 {
		work = allocLike(src)
	}
	values := make([][]float64, len(stats))
	for s := range values {
		values[s] = make([]float64, reps)
	}
	for b := range reps {
		resample(rng, src, draw)
		for s, f := range stats {
			if len(stats) > 1 {
				copyInto(work, draw)
			}
			v := f(work)
			if !finite(v) {
				return nil, fmt.Errorf("bootstrap statistic %d is %g on resample %d: %w", s, v, b, ErrNonFinite)
			}
			values[s][b] = v
		}
	}
	for s := range stats {
		slices.Sort(values[s])
		out[s].Lo = percentile(values[s], alpha/2)
		out[s].Hi = percentile(values[s], 1-alpha/2)
	}
	return out, nil
}

// allocLike returns zeroed matrices of the same shapes as src.
func allocLike(src [][][]float64) [][][]float64 {
	dst := make([][][]float64, len(src))
	for a, m := range src {
		dst[a] = make([][]float64, len(m))
		for t, row := range m {
			dst[a][t] = make([]float64, len(row))
		}
	}
	return dst
}

// copyInto copies src into dst of the same shapes.
func copyInto(dst, src [][][]float64) {
	for a, m := range src {
		for t, row := range m {
			copy(dst[a][t], row)
		}
	}
}

// resample fills dst with one stratified resample of src: every task of
// every matrix drawn independently, with replacement, from its own runs.
func resample(rng *rand.PCG, src, dst [][][]float64) {
	for a, m := range src {
		for t, row := range m {
			d := dst[a][t]
			n := uint64(len(row))
			for i := range d {
				d[i] = row[index(rng, n)]
			}
		}
	}
}

// index returns a uniform integer in [0, n), n > 0, by Lemire's
// multiply-and-reject method on the raw PCG output. It is written out here
// rather than taken from rand.Rand.IntN so that the intervals depend only on
// the PCG stream, a fixed published algorithm, and not on how a Go release
// maps it to a range.
func index(rng *rand.PCG, n uint64) uint64 {
	hi, lo := bits.Mul64(rng.Uint64(), n)
	if lo < n {
		// Reject the few products that would favour small results.
		threshold := -n % n
		for lo < threshold {
			hi, lo = bits.Mul64(rng.Uint64(), n)
		}
	}
	return hi
}

// percentile returns the q-quantile of sorted, interpolating linearly
// between the order statistics around position h = (len−1)·q, as
// numpy.percentile's default ("linear") method does, which is what
// rliable's percentile intervals (through arch) use.
func percentile(sorted []float64, q float64) float64 {
	h := float64(len(sorted)-1) * q
	i := int(math.Floor(h))
	if i >= len(sorted)-1 {
		return sorted[len(sorted)-1]
	}
	f := h - float64(i)
	if f == 0 {
		return sorted[i]
	}
	return sorted[i] + f*(sorted[i+1]-sorted[i])
}

// BootstrapCI returns the 1 − alpha percentile stratified bootstrap
// interval of stat on data[task][run]: reps resamples, each drawing every
// task's runs with replacement from that task alone (rliable's
// StratifiedBootstrap), seeded by seed so the interval is reproducible.
// Use reps = DefaultReps and alpha = DefaultAlpha for rliable's 95%
// interval, or Options, which also gives the point estimate.
//
// With one run per task the interval collapses to the point estimate. It
// fails on empty data or an empty task (ErrEmpty), a NaN or infinite score
// or statistic (ErrNonFinite), and reps < 1, alpha outside (0, 1) or a nil
// stat (ErrInvalid).
func BootstrapCI(data [][]float64, stat MatrixStat, reps int, alpha float64, seed uint64) (lo, hi float64, err error) {
	iv, err := Options{Reps: reps, Alpha: alpha, Seed: seed}.estimate(data, stat, false)
	if err != nil {
		return math.NaN(), math.NaN(), err
	}
	return iv.Lo, iv.Hi, nil
}

// TwoSampleBootstrapCI is BootstrapCI for a statistic of two score
// matrices over the same tasks, such as ProbabilityOfImprovement. Each
// resample draws x and y independently, each stratified by task, as
// rliable's StratifiedIndependentBootstrap does when
// get_interval_estimates is given a pair of matrices: the two students'
// runs are separate experiments, not pairs. x and y must have the same
// number of tasks (ErrInvalid) and may differ in runs per task.
func TwoSampleBootstrapCI(x, y [][]float64, stat TwoSampleStat, reps int, alpha float64, seed uint64) (lo, hi float64, err error) {
	iv, err := Options{Reps: reps, Alpha: alpha, Seed: seed}.estimateTwoSample(x, y, stat, false)
	if err != nil {
		return math.NaN(), math.NaN(), err
	}
	return iv.Lo, iv.Hi, nil
}

// Options configures the bootstrap of Estimate, EstimateTwoSample,
// Summarize and ImprovementProbability. The zero value is usable: Reps 0
// means DefaultReps, Alpha 0 means DefaultAlpha, and Seed 0 is an ordinary
// seed.
type Options struct {
	// Reps is the number of bootstrap resamples (0: DefaultReps).
	Reps int `json:"reps" toml:"reps"`
	// Alpha is one minus the interval's coverage (0: DefaultAlpha, a 95%
	// interval).
	Alpha float64 `json:"alpha" toml:"alpha"`
	// Seed seeds the resampling; the same seed gives the same interval.
	Seed uint64 `json:"seed" toml:"seed"`
}

// withDefaults fills zero fields with the defaults.
func (o Options) withDefaults() Options {
	if o.Reps == 0 {
		o.Reps = DefaultReps
	}
	if o.Alpha == 0 {
		o.Alpha = DefaultAlpha
	}
	return o
}

// Estimate returns stat on data[task][run] with its stratified bootstrap
// interval; see BootstrapCI for the method and the errors.
func (o Options) Estimate(data [][]float64, stat MatrixStat) (Interval, error) {
	return o.estimate(data, stat, true)
}

// EstimateTwoSample returns stat on x and y with its two-sample stratified
// bootstrap interval; see TwoSampleBootstrapCI for the method and the
// errors.
func (o Options) EstimateTwoSample(x, y [][]float64, stat TwoSampleStat) (Interval, error) {
	return o.estimateTwoSample(x, y, stat, true)
}

// estimate implements Estimate and BootstrapCI; defaults says whether zero
// settings take the defaults (Options) or are rejected (BootstrapCI's
// explicit arguments).
func (o Options) estimate(data [][]float64, stat MatrixStat, defaults bool) (Interval, error) {
	if defaults {
		o = o.withDefaults()
	}
	if err := checkSettings(o.Reps, o.Alpha); err != nil {
		return Interval{}, err
	}
	if stat == nil {
		return Interval{}, fmt.Errorf("bootstrap: nil statistic: %w", ErrInvalid)
	}
	if err := checkMatrix("bootstrap: scores", data); err != nil {
		return Interval{}, err
	}
	f := func(ms [][][]float64) float64 { return stat(ms[0]) }
	ivs, err := bootstrap([][][]float64{data}, []statFunc{f}, o.Reps, o.Alpha, o.Seed)
	if err != nil {
		return Interval{}, err
	}
	return ivs[0], nil
}

// estimateTwoSample implements EstimateTwoSample and TwoSampleBootstrapCI.
func (o Options) estimateTwoSample(x, y [][]float64, stat TwoSampleStat, defaults bool) (Interval, error) {
	if defaults {
		o = o.withDefaults()
	}
	if err := checkSettings(o.Reps, o.Alpha); err != nil {
		return Interval{}, err
	}
	if stat == nil {
		return Interval{}, fmt.Errorf("bootstrap: nil statistic: %w", ErrInvalid)
	}
	if err := checkMatrix("bootstrap: x", x); err != nil {
		return Interval{}, err
	}
	if err := checkMatrix("bootstrap: y", y); err != nil {
		return Interval{}, err
	}
	if len(x) != len(y) {
		return Interval{}, fmt.Errorf("bootstrap: x has %d tasks but y has %d: %w", len(x), len(y), ErrInvalid)
	}
	f := func(ms [][][]float64) float64 { return stat(ms[0], ms[1]) }
	ivs, err := bootstrap([][][]float64{x, y}, []statFunc{f}, o.Reps, o.Alpha, o.Seed)
	if err != nil {
		return Interval{}, err
	}
	return ivs[0], nil
}
