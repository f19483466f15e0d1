package stats

import (
	"errors"
	"fmt"
	"math"
)

// Errors wrapped by the functions of this package that return an error;
// test for them with errors.Is.
var (
	// ErrEmpty reports input with no values: no runs, no tasks, or a task
	// with no runs.
	ErrEmpty = errors.New("stats: empty input")
	// ErrNonFinite reports a NaN or infinite input value, or a statistic
	// that came out NaN or infinite.
	ErrNonFinite = errors.New("stats: NaN or infinite value")
	// ErrInvalid reports any other bad argument: mismatched lengths,
	// steps out of order, an undefined normalisation, reps < 1, α outside
	// (0, 1), a nil statistic.
	ErrInvalid = errors.New("stats: invalid argument")
)

// finite reports whether v is neither NaN nor ±Inf.
func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// NormalizedScore returns (r − rRandom)/(rTeacher − rRandom): 0 at the
// random policy's return, 1 at the teacher's. Both reference returns must
// be measured on the same evaluation seeds as r. It fails (ErrInvalid) when
// rTeacher == rRandom, because then the score is undefined and would print
// as ±Inf in a table, and (ErrNonFinite) on a NaN or infinite argument.
// A teacher worse than random (negative denominator) is accepted: the
// formula still orders students correctly relative to the two references.
func NormalizedScore(r, rRandom, rTeacher float64) (float64, error) {
	if !finite(r) || !finite(rRandom) || !finite(rTeacher) {
		return math.NaN(), fmt.Errorf("normalised score of %g with random %g, teacher %g: %w",
			r, rRandom, rTeacher, ErrNonFinite)
	}
	d := rTeacher - rRandom
	if d == 0 {
		return math.NaN(), fmt.Errorf("normalised score: teacher and random returns are both %g: %w",
			rTeacher, ErrInvalid)
	}
	return (r - rRandom) / d, nil
}

// NormalizeScores applies NormalizedScore to every return in rs, returning
// a new slice. It fails on the first value NormalizedScore rejects, naming
// its index.
func NormalizeScores(rs []float64, rRandom, rTeacher float64) ([]float64, error) {
	out := make([]float64, len(rs))
	for i, r := range rs {
		s, err := NormalizedScore(r, rRandom, rTeacher)
		if err != nil {
			return nil, fmt.Errorf("return %d: %w", i, err)
		}
		out[i] = s
	}
	return out, nil
}

// CurveAUC returns the area under the learning curve given by the points
// (steps[k], scores[k]), by the trapezoid rule, divided by the step span
// steps[K] − steps[0]: the curve's mean height, on the same scale as the
// scores (a curve at 1 throughout gives 1). The area covers only
// [steps[0], steps[K]]; whether the curve starts with an evaluation at step
// 0 is the caller's choice and must be the same for every student compared.
// A single point has no span, and its AUC is its score.
//
// It fails when the slices are empty (ErrEmpty), differ in length or the
// steps are not strictly increasing (ErrInvalid), or hold a NaN or infinite
// value (ErrNonFinite).
func CurveAUC(steps, scores []float64) (float64, error) {
	if len(steps) != len(scores) {
		return math.NaN(), fmt.Errorf("curve AUC: %d steps but %d scores: %w", len(steps), len(scores), ErrInvalid)
	}
	if len(steps) == 0 {
		return math.NaN(), fmt.Errorf("curve AUC: no points: %w", ErrEmpty)
	}
	for k := range steps {
		if !finite(steps[k]) || !finite(scores[k]) {
			return math.NaN(), fmt.Errorf("curve AUC: point %d is (%g, %g): %w", k, steps[k], scores[k], ErrNonFinite)
		}
		if k > 0 && steps[k] <= steps[k-1] {
			return math.NaN(), fmt.Errorf("curve AUC: step %d (%g) does not follow step %d (%g): %w",
				k, steps[k], k-1, steps[k-1], ErrInvalid)
		}
	}
	if len(steps) == 1 {
		return scores[0], nil
	}
	var area float64
	for k := 1; k < len(steps); k++ {
		area += (steps[k] - steps[k-1]) * (scores[k] + scores[k-1]) / 2
	}
	return area / (steps[len(steps)-1] - steps[0]), nil
}

// Mean returns the arithmetic mean of x, or NaN when x is empty. A NaN in
// x gives NaN.
func Mean(x []float64) float64 {
	if len(x) == 0 {
		return math.NaN()
	}
	var s float64
	for _, v := range x {
		s += v
	}
	return s / float64(len(x))
}

// sumSquaredDeviations returns Σ (x_i − mean)², by two passes, which keeps
// the precision a one-pass Σx² − n·mean² loses when the spread is small
// next to the mean (returns near 500 differing by a few units).
func sumSquaredDeviations(x []float64) float64 {
	m := Mean(x)
	var s float64
	for _, v := range x {
		d := v - m
		s += d * d
	}
	return s
}

// PopulationStd returns the standard deviation of x dividing by n (numpy's
// default, ddof = 0), or NaN when x is empty. Use it for the spread of one
// run's evaluation episodes, which are the whole set being described.
func PopulationStd(x []float64) float64 {
	if len(x) == 0 {
		return math.NaN()
	}
	return math.Sqrt(sumSquaredDeviations(x) / float64(len(x)))
}

// SampleStd returns the standard deviation of x dividing by n − 1 (ddof =
// 1), or NaN when x has fewer than two values. Use it for spread across
// seeds: the seeds are a sample, and the n − 1 divisor corrects the
// variance estimate's downward bias, which matters with 3 to 10 seeds.
func SampleStd(x []float64) float64 {
	if len(x) < 2 {
		return math.NaN()
	}
	return math.Sqrt(sumSquaredDeviations(x) / float64(len(x)-1))
}
