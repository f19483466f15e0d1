// Package report turns a match's run records into its leaderboard: the
// per-environment and overall tables, results.json, runs.csv,
// leaderboard.md, plots and topologies.
//
// A report is a function of the set of run records alone (the bootstrap is
// seeded), so shard folders merged by FromDirs give the same leaderboard as
// one unsharded run.
package report

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"sort"

	"github.com/smgrnn/arena/framework/match"
	"github.com/smgrnn/arena/framework/stats"
)

// BootstrapSeed seeds every confidence interval of a report, so a report is
// reproducible.
const BootstrapSeed = 20211206

// Results is the whole record of a match: the contract of results.json.
type Results struct {
	Match       *match.Match      `json:"match"`
	Versions    map[string]string `json:"versions"`
	Runs        []match.RunRecord `json:"runs"`
	Leaderboard []EnvRow          `json:"leaderboard"`
	Aggregate   []StudentRow      `json:"aggregate"`
	// Profiles holds each student's performance profile over the
	// environments of Aggregate.
	Profiles []StudentProfile `json:"performance_profiles,omitempty"`
	// Spread is each env × student cell's spread of normalised scores
	// across seeds (sample std with its CI) and its Brown–Forsythe test
	// against the baseline.
	Spread []SpreadRow `json:"spread,omitempty"`
	// Bootstrap is how every interval of the report was computed.
	Bootstrap stats.Options `json:"bootstrap"`
	// Warnings say what a reader must know before trusting the numbers,
	// such as too few seeds for the intervals to mean anything.
	Warnings []string `json:"warnings,omitempty"`
	// Missing lists runs of the match that no folder holds (an unfinished
	// or partial set of shards).
	Missing []string `json:"missing,omitempty"`
}

// StudentProfile is one student's performance profile: at each threshold
// τ of normalised score, the fraction of its runs scoring above τ, with a
// stratified bootstrap band.
type StudentProfile struct {
	Student string `json:"student"`
	stats.Profile
}

// StudentRow summarises one student across every environment.
//
// Every statistic is of the normalised scores of all its runs pooled, with
// a stratified bootstrap CI (runs resampled within each environment); the
// four aggregates share their resamples.
type StudentRow struct {
	Student string `json:"student"`
	// Runs counts the runs pooled, over the environments where every
	// student has at least one.
	Runs            int       `json:"runs"`
	IQMNormalized   match.Num `json:"iqm_normalized"`
	CILow           match.Num `json:"ci_low"`
	CIHigh          match.Num `json:"ci_high"`
	MeanNormalized  match.Num `json:"mean_normalized"`
	MeanCILow       match.Num `json:"mean_ci_low"`
	MeanCIHigh      match.Num `json:"mean_ci_high"`
	Median          match.Num `json:"median_normalized"`
	MedianCILow     match.Num `json:"median_ci_low"`
	MedianCIHigh    match.Num `json:"median_ci_high"`
	OptimalityGap   match.Num `json:"optimality_gap"`
	GapCILow        match.Num `json:"optimality_gap_ci_low"`
	GapCIHigh       match.Num `json:"optimality_gap_ci_high"`
	ProbImprovement match.Num `json:"prob_improvement"`
	ProbCILow       match.Num `json:"prob_improvement_ci_low"`
	ProbCIHigh      match.Num `json:"prob_improvement_ci_high"`
	ParamsMean      match.Num `json:"params_mean"`
	Baseline        string    `json:"baseline"`
	// MissingEnvs lists the envs where the student has no successful run;
	// the row covers the others.
	MissingEnvs []string `json:"missing_envs,omitempty"`
}

// FromDirs reads the run records of one or more output folders of the same
// match (e.g. shards) and builds the report with the default settings.
func FromDirs(dirs []string) (*Results, error) { return FromDirsWith(dirs, Settings{}) }

// FromDirsWith is FromDirs with settings.
func FromDirsWith(dirs []string, set Settings) (*Results, error) {
	if len(dirs) == 0 {
		return nil, errors.New("no result folders given")
	}
	var m *match.Match
	byID := map[string]match.RunRecord{}
	for _, dir := range dirs {
		mm, err := match.LoadFile(filepath.Join(dir, "match.toml"))
		if err != nil {
			if _, statErr := os.Stat(dir); statErr != nil {
				return nil, fmt.Errorf("result folder %s does not exist", dir)
			}
			return nil, fmt.Errorf("%s is not a result folder: %v", dir, err)
		}
		if m == nil {
			m = mm
		} else if mm.Digest() != m.Digest() {
			return nil, fmt.Errorf("%s holds match %q with other settings than %s (%q)", dir, mm.Name, dirs[0], m.Name)
		}
		recs, err := match.ReadRuns(dir)
		if err != nil {
			return nil, err
		}
		// As strict as a resume: no other match's runs, no hollow ones.
		if err := m.CheckRecords(dir, recs); err != nil {
			return nil, err
		}
		for _, r := range recs {
			// A successful record wins over a failed one of the same run.
			if old, ok := byID[r.ID]; !ok || old.Status != match.StatusOK {
				byID[r.ID] = r
			}
		}
	}
	var runs []match.RunRecord
	for _, r := range byID {
		runs = append(runs, r)
	}
	return BuildWith(m, runs, set)
}

// Build computes the leaderboard and aggregates of a match's runs with the
// default bootstrap (BuildWith).
func Build(m *match.Match, runs []match.RunRecord) (*Results, error) {
	return BuildWith(m, runs, Settings{})
}

// Settings tune how a report is computed.
type Settings struct {
	// BootstrapReps is the number of bootstrap resamples of every
	// interval; 0 means stats.DefaultReps.
	BootstrapReps int
}

// options are the bootstrap's settings, defaults filled in, so results.json
// records what was used.
func (s Settings) options() stats.Options {
	o := stats.Options{Seed: BootstrapSeed, Reps: s.BootstrapReps, Alpha: stats.DefaultAlpha}
	if o.Reps == 0 {
		o.Reps = stats.DefaultReps
	}
	return o
}

// BuildWith computes the leaderboard, aggregates and performance profiles
// of a match's runs.
func BuildWith(m *match.Match, runs []match.RunRecord, set Settings) (*Results, error) {
	if set.BootstrapReps < 0 {
		return nil, fmt.Errorf("bootstrap resamples %d: want a positive number", set.BootstrapReps)
	}
	opts := set.options()
	sort.Slice(runs, func(i, j int) bool { return runs[i].ID < runs[j].ID })
	res := &Results{
		Match:     m,
		Versions:  map[string]string{"arena": Version, "go": runtime.Version()},
		Runs:      runs,
		Bootstrap: opts,
	}
	have := map[string]bool{}
	for _, r := range runs {
		have[r.ID] = true
	}
	for _, s := range m.Runs() {
		if !have[s.ID] {
			res.Missing = append(res.Missing, s.ID)
		}
	}
	// ok[env][student] holds the successful runs, in seed order.
	ok := map[string]map[string][]match.RunRecord{}
	failed := map[string]map[string]int{}
	for _, r := range runs {
		if ok[r.Env] == nil {
			ok[r.Env] = map[string][]match.RunRecord{}
			failed[r.Env] = map[string]int{}
		}
		if r.Status == match.StatusOK {
			ok[r.Env][r.Student] = append(ok[r.Env][r.Student], r)
		} else {
			failed[r.Env][r.Student]++
		}
	}
	fewest := 0
	for _, e := range m.Envs {
		for _, s := range m.Students {
			rs := ok[e.ID][s.Name]
			res.Leaderboard = append(res.Leaderboard, newEnvRow(e.ID, s.Name, rs, failed[e.ID][s.Name], opts))
			if n := len(rs); n > 0 && (fewest == 0 || n < fewest) {
				fewest = n
			}
		}
	}
	if fewest > 0 && fewest < stats.MinReliableRuns {
		res.Warnings = append(res.Warnings, fmt.Sprintf(
			"only %d seeds per cell: a bootstrap of %d runs can draw just %d distinct samples, so the 95%% CIs below mean little (some collapse to a point); use at least %d seeds",
			fewest, fewest, stats.DistinctResamples(fewest), stats.MinReliableRuns))
	}
	// Aggregates over the envs where every student has at least one run,
	// so all students are compared on the same tasks. Where some student
	// has none on an env, every student's row covers the envs where it has
	// runs (its probability of improvement those it shares with the
	// baseline), and the row lists the envs it lacks.
	var envs []string
	for _, e := range m.Envs {
		all := true
		for _, s := range m.Students {
			all = all && len(ok[e.ID][s.Name]) > 0
		}
		if all {
			envs = append(envs, e.ID)
		}
	}
	partial := len(envs) < len(m.Envs)
	matrix := func(student string, envs []string) [][]float64 {
		var x [][]float64
		for _, e := range envs {
			row := field(ok[e][student], func(r match.RunRecord) float64 { return float64(r.Normalized) })
			x = append(x, row)
		}
		return x
	}
	nan := match.Num(math.NaN())
	var profiles [][][]float64
	for _, s := range m.Students {
		row := StudentRow{Student: s.Name, Baseline: m.Baseline,
			IQMNormalized: nan, CILow: nan, CIHigh: nan, MeanNormalized: nan, MeanCILow: nan, MeanCIHigh: nan,
			Median: nan, MedianCILow: nan, MedianCIHigh: nan, OptimalityGap: nan, GapCILow: nan, GapCIHigh: nan,
			ProbImprovement: nan, ProbCILow: nan, ProbCIHigh: nan, ParamsMean: nan}
		envs, shared := envs, envs
		if partial {
			envs, shared = nil, nil
			for _, e := range m.Envs {
				if len(ok[e.ID][s.Name]) == 0 {
					row.MissingEnvs = append(row.MissingEnvs, e.ID)
					continue
				}
				envs = append(envs, e.ID)
				if len(ok[e.ID][m.Baseline]) > 0 {
					shared = append(shared, e.ID)
				}
			}
		}
		if len(envs) == 0 {
			profiles = append(profiles, nil)
		}
		if len(envs) > 0 {
			x := matrix(s.Name, envs)
			if sum, err := stats.Summarize(x, opts); err == nil {
				row.Runs = sum.Runs
				iv := func(v stats.Interval) (match.Num, match.Num, match.Num) {
					return match.Num(v.Point), match.Num(v.Lo), match.Num(v.Hi)
				}
				row.IQMNormalized, row.CILow, row.CIHigh = iv(sum.IQM)
				row.MeanNormalized, row.MeanCILow, row.MeanCIHigh = iv(sum.Mean)
				row.Median, row.MedianCILow, row.MedianCIHigh = iv(sum.Median)
				row.OptimalityGap, row.GapCILow, row.GapCIHigh = iv(sum.OptimalityGap)
				profiles = append(profiles, x)
			} else {
				profiles = append(profiles, nil)
			}
			if iv, err := opts.EstimateTwoSample(matrix(s.Name, shared), matrix(m.Baseline, shared), stats.ProbabilityOfImprovement); len(shared) > 0 && err == nil {
				row.ProbImprovement, row.ProbCILow, row.ProbCIHigh = match.Num(iv.Point), match.Num(iv.Lo), match.Num(iv.Hi)
			}
			var params []float64
			for _, e := range envs {
				params = append(params, field(ok[e][s.Name], func(r match.RunRecord) float64 { return float64(r.Params) })...)
			}
			row.ParamsMean = match.Num(stats.Mean(params))
		}
		res.Aggregate = append(res.Aggregate, row)
	}
	res.Spread = spreadRows(m, ok, opts)
	taus := profileThresholds(profiles)
	for i, x := range profiles {
		if x == nil {
			continue
		}
		if p, err := stats.PerformanceProfile(x, taus, opts); err == nil {
			res.Profiles = append(res.Profiles, StudentProfile{Student: m.Students[i].Name, Profile: p})
		}
	}
	return res, nil
}

// profileSteps is the number of thresholds of a performance profile.
const profileSteps = 101

// profileThresholds spans every student's normalised scores with one τ
// grid, so profiles can be compared: from 0 (the random policy) to the
// best score or 1 (the teacher), whichever is higher, rounded up to 0.05.
func profileThresholds(scores [][][]float64) []float64 {
	hi := 1.0
	for _, x := range scores {
		for _, row := range x {
			for _, v := range row {
				if !math.IsNaN(v) && !math.IsInf(v, 0) && v > hi {
					hi = v
				}
			}
		}
	}
	return stats.Thresholds(0, math.Ceil(hi*20)/20, profileSteps)
}

func field(rs []match.RunRecord, f func(match.RunRecord) float64) []float64 {
	out := make([]float64, len(rs))
	for i, r := range rs {
		out[i] = f(r)
	}
	return out
}

// Version is arena's version, recorded in every results.json.
const Version = "0.1.0"
