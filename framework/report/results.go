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
	// Missing lists runs of the match that no folder holds (an unfinished
	// or partial set of shards).
	Missing []string `json:"missing,omitempty"`
}

// EnvRow summarises one student on one environment across seeds.
type EnvRow struct {
	Env            string    `json:"env"`
	Student        string    `json:"student"`
	Seeds          int       `json:"seeds"`
	Failed         int       `json:"failed"`
	ReturnMean     match.Num `json:"return_mean"`
	ReturnStd      match.Num `json:"return_std"`
	IQM            match.Num `json:"iqm"`
	IQMCILow       match.Num `json:"iqm_ci_low"`
	IQMCIHigh      match.Num `json:"iqm_ci_high"`
	NormalizedMean match.Num `json:"normalized_mean"`
	NormalizedIQM  match.Num `json:"normalized_iqm"`
	AUCMean        match.Num `json:"auc_mean"`
	ParamsMean     match.Num `json:"params_mean"`
	HiddenMean     match.Num `json:"hidden_mean"`
	EdgesMean      match.Num `json:"edges_mean"`
	WallSeconds    match.Num `json:"wall_seconds_mean"`
	TeacherReturn  match.Num `json:"teacher_return"`
	RandomReturn   match.Num `json:"random_return"`
}

// StudentRow summarises one student across every environment.
type StudentRow struct {
	Student         string    `json:"student"`
	IQMNormalized   match.Num `json:"iqm_normalized"`
	CILow           match.Num `json:"ci_low"`
	CIHigh          match.Num `json:"ci_high"`
	OptimalityGap   match.Num `json:"optimality_gap"`
	ProbImprovement match.Num `json:"prob_improvement"`
	ProbCILow       match.Num `json:"prob_improvement_ci_low"`
	ProbCIHigh      match.Num `json:"prob_improvement_ci_high"`
	ParamsMean      match.Num `json:"params_mean"`
	Baseline        string    `json:"baseline"`
}

// FromDirs reads the run records of one or more output folders of the same
// match (e.g. shards) and builds the report.
func FromDirs(dirs []string) (*Results, error) {
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
	return Build(m, runs)
}

// Build computes the leaderboard and aggregates of a match's runs.
func Build(m *match.Match, runs []match.RunRecord) (*Results, error) {
	sort.Slice(runs, func(i, j int) bool { return runs[i].ID < runs[j].ID })
	res := &Results{
		Match:    m,
		Versions: map[string]string{"arena": Version, "go": runtime.Version()},
		Runs:     runs,
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
	opts := stats.Options{Seed: BootstrapSeed}
	for _, e := range m.Envs {
		for _, s := range m.Students {
			rs := ok[e.ID][s.Name]
			row := EnvRow{Env: e.ID, Student: s.Name, Seeds: len(rs), Failed: failed[e.ID][s.Name]}
			nan := match.Num(math.NaN())
			row.ReturnMean, row.ReturnStd, row.IQM, row.IQMCILow, row.IQMCIHigh = nan, nan, nan, nan, nan
			row.NormalizedMean, row.NormalizedIQM, row.AUCMean = nan, nan, nan
			row.ParamsMean, row.HiddenMean, row.EdgesMean, row.WallSeconds = nan, nan, nan, nan
			row.TeacherReturn, row.RandomReturn = nan, nan
			if len(rs) > 0 {
				returns := field(rs, func(r match.RunRecord) float64 { return float64(r.FinalReturnMean) })
				norm := field(rs, func(r match.RunRecord) float64 { return float64(r.Normalized) })
				mean := func(f func(r match.RunRecord) float64) match.Num { return match.Num(stats.Mean(field(rs, f))) }
				row.ReturnMean = match.Num(stats.Mean(returns))
				row.ReturnStd = match.Num(stats.SampleStd(returns))
				if iv, err := opts.Estimate([][]float64{returns}, stats.PooledIQM); err == nil {
					row.IQM, row.IQMCILow, row.IQMCIHigh = match.Num(iv.Point), match.Num(iv.Lo), match.Num(iv.Hi)
				}
				row.NormalizedMean = match.Num(stats.Mean(norm))
				row.NormalizedIQM = match.Num(stats.IQM(norm))
				row.AUCMean = mean(func(r match.RunRecord) float64 { return float64(r.CurveAUC) })
				row.ParamsMean = mean(func(r match.RunRecord) float64 { return float64(r.Params) })
				row.HiddenMean = mean(func(r match.RunRecord) float64 { return float64(r.Hidden) })
				row.EdgesMean = mean(func(r match.RunRecord) float64 { return float64(r.Edges) })
				row.WallSeconds = mean(func(r match.RunRecord) float64 { return r.WallSeconds })
				row.TeacherReturn = mean(func(r match.RunRecord) float64 { return float64(r.TeacherReturn) })
				row.RandomReturn = mean(func(r match.RunRecord) float64 { return float64(r.RandomReturn) })
			}
			res.Leaderboard = append(res.Leaderboard, row)
		}
	}
	// Aggregates over the envs where every student has at least one run,
	// so all students are compared on the same tasks.
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
	matrix := func(student string) [][]float64 {
		var x [][]float64
		for _, e := range envs {
			row := field(ok[e][student], func(r match.RunRecord) float64 { return float64(r.Normalized) })
			x = append(x, row)
		}
		return x
	}
	base := matrix(m.Baseline)
	for _, s := range m.Students {
		row := StudentRow{Student: s.Name, Baseline: m.Baseline}
		nan := match.Num(math.NaN())
		row.IQMNormalized, row.CILow, row.CIHigh, row.OptimalityGap = nan, nan, nan, nan
		row.ProbImprovement, row.ProbCILow, row.ProbCIHigh, row.ParamsMean = nan, nan, nan, nan
		if len(envs) > 0 {
			x := matrix(s.Name)
			if iv, err := opts.Estimate(x, stats.PooledIQM); err == nil {
				row.IQMNormalized, row.CILow, row.CIHigh = match.Num(iv.Point), match.Num(iv.Lo), match.Num(iv.Hi)
			}
			row.OptimalityGap = match.Num(stats.Pooled(func(v []float64) float64 { return stats.OptimalityGap(v, 1) })(x))
			if iv, err := opts.EstimateTwoSample(x, base, stats.ProbabilityOfImprovement); err == nil {
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
	return res, nil
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
