package stats

import (
	"encoding/json"
	"fmt"
	"math"
)

// Summary is one row of a result table: the statistics of a set of
// normalised scores, with stratified bootstrap intervals. For one student
// on one environment it summarises the seeds; across environments it pools
// every (environment, seed) entry, with runs resampled within each
// environment.
type Summary struct {
	// Tasks is the number of environments (bootstrap strata).
	Tasks int `json:"tasks"`
	// Runs is the number of scores, over all tasks.
	Runs int `json:"runs"`
	// Mean is the mean of all scores.
	Mean Interval `json:"mean"`
	// Std is the sample standard deviation (n − 1) of all scores pooled,
	// NaN when Runs < 2 (encoded as JSON null, which encoding/json cannot
	// otherwise write). Across environments it mixes between- and
	// within-environment spread; read it per environment.
	Std float64 `json:"std"`
	// Median is the median of all scores pooled (rliable's
	// aggregate_median).
	Median Interval `json:"median"`
	// IQM is the interquartile mean of all scores pooled (rliable's
	// aggregate_iqm).
	IQM Interval `json:"iqm"`
	// OptimalityGap is the mean shortfall from γ = 1, the teacher's level.
	OptimalityGap Interval `json:"optimality_gap"`
}

// Summarize computes a Summary of scores[task][run], normally normalised
// scores (the optimality gap assumes 1 is the target). All four intervals
// come from the same resamples, so each equals what Options.Estimate gives
// for that statistic alone with the same Options. For one environment,
// pass [][]float64{seeds}. It fails as BootstrapCI does.
func Summarize(scores [][]float64, opt Options) (Summary, error) {
	o := opt.withDefaults()
	if err := checkSettings(o.Reps, o.Alpha); err != nil {
		return Summary{}, fmt.Errorf("summarize: %w", err)
	}
	if err := checkMatrix("summarize: scores", scores); err != nil {
		return Summary{}, err
	}
	pool := func(f func([]float64) float64) statFunc {
		p := Pooled(f)
		return func(ms [][][]float64) float64 { return p(ms[0]) }
	}
	gap := func(x []float64) float64 { return OptimalityGap(x, 1) }
	ivs, err := bootstrap([][][]float64{scores}, []statFunc{pool(Mean), pool(IQM), pool(gap), pool(Median)},
		o.Reps, o.Alpha, o.Seed)
	if err != nil {
		return Summary{}, fmt.Errorf("summarize: %w", err)
	}
	var flat []float64
	for _, row := range scores {
		flat = append(flat, row...)
	}
	return Summary{
		Tasks:         len(scores),
		Runs:          len(flat),
		Mean:          ivs[0],
		Std:           SampleStd(flat),
		Median:        ivs[3],
		IQM:           ivs[1],
		OptimalityGap: ivs[2],
	}, nil
}

// ImprovementProbability returns the probability of improvement of
// student X over baseline Y, P(X > Y) averaged over environments, with its
// two-sample stratified bootstrap interval (x and y resampled
// independently within each environment). x[task] and y[task] hold the two
// students' runs on the same environment. It fails as TwoSampleBootstrapCI
// does.
func ImprovementProbability(x, y [][]float64, opt Options) (Interval, error) {
	iv, err := opt.EstimateTwoSample(x, y, ProbabilityOfImprovement)
	if err != nil {
		return Interval{}, fmt.Errorf("probability of improvement: %w", err)
	}
	return iv, nil
}

// summaryJSON is Summary's JSON form, with Std as a pointer so that an
// undefined (NaN) Std round-trips as null: encoding/json refuses NaN.
type summaryJSON struct {
	Tasks         int      `json:"tasks"`
	Runs          int      `json:"runs"`
	Mean          Interval `json:"mean"`
	Std           *float64 `json:"std"`
	Median        Interval `json:"median"`
	IQM           Interval `json:"iqm"`
	OptimalityGap Interval `json:"optimality_gap"`
}

// MarshalJSON encodes s, writing a NaN Std (a single run) as null.
func (s Summary) MarshalJSON() ([]byte, error) {
	j := summaryJSON{Tasks: s.Tasks, Runs: s.Runs, Mean: s.Mean, Median: s.Median, IQM: s.IQM, OptimalityGap: s.OptimalityGap}
	if !math.IsNaN(s.Std) {
		std := s.Std
		j.Std = &std
	}
	return json.Marshal(j)
}

// UnmarshalJSON decodes what MarshalJSON writes, a null Std becoming NaN.
func (s *Summary) UnmarshalJSON(b []byte) error {
	var j summaryJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return fmt.Errorf("decode summary: %w", err)
	}
	*s = Summary{Tasks: j.Tasks, Runs: j.Runs, Mean: j.Mean, Median: j.Median, Std: math.NaN(), IQM: j.IQM, OptimalityGap: j.OptimalityGap}
	if j.Std != nil {
		s.Std = *j.Std
	}
	return nil
}
