package report

import (
	"fmt"
	"io"
	"math"

	"github.com/smgrnn/arena/framework/match"
	"github.com/smgrnn/arena/framework/stats"
)

// SpreadRow is the spread across seeds of one student's normalised scores
// on one environment: their sample standard deviation (n − 1, the one
// definition of std across seeds in every report) with its percentile
// bootstrap CI, and the Brown–Forsythe test of equal spread against the
// baseline's scores on the same environment.
type SpreadRow struct {
	Env      string    `json:"env"`
	Student  string    `json:"student"`
	Seeds    int       `json:"seeds"`
	Std      match.Num `json:"normalized_std"`
	StdCILow match.Num `json:"normalized_std_ci_low"`
	StdCIHi  match.Num `json:"normalized_std_ci_high"`
	// BaselineF and BaselineP are the Brown–Forsythe statistic and its
	// p-value against the baseline (null for the baseline itself, or when
	// either has fewer than two seeds or no spread at all).
	BaselineF match.Num `json:"brown_forsythe_f"`
	BaselineP match.Num `json:"brown_forsythe_p"`
}

// spreadRows computes the spread of every env × student cell of ok (the
// successful runs by env and student).
func spreadRows(m *match.Match, ok map[string]map[string][]match.RunRecord, opts stats.Options) []SpreadRow {
	norm := func(rs []match.RunRecord) []float64 {
		return field(rs, func(r match.RunRecord) float64 { return float64(r.Normalized) })
	}
	nan := match.Num(math.NaN())
	var out []SpreadRow
	for _, e := range m.Envs {
		base := norm(ok[e.ID][m.Baseline])
		for _, s := range m.Students {
			x := norm(ok[e.ID][s.Name])
			row := SpreadRow{Env: e.ID, Student: s.Name, Seeds: len(x), Std: nan, StdCILow: nan, StdCIHi: nan, BaselineF: nan, BaselineP: nan}
			if iv, err := stats.SpreadCI(x, opts); err == nil {
				row.Std, row.StdCILow, row.StdCIHi = match.Num(iv.Point), match.Num(iv.Lo), match.Num(iv.Hi)
			}
			if s.Name != m.Baseline {
				if f, p, err := stats.BrownForsythe(x, base); err == nil {
					row.BaselineF, row.BaselineP = match.Num(f), match.Num(p)
				}
			}
			out = append(out, row)
		}
	}
	return out
}

// writeSpread prints the spread table of every environment.
func (r *Results) writeSpread(w io.Writer, md bool) error {
	if len(r.Spread) == 0 {
		return nil
	}
	if md {
		fmt.Fprintf(w, "\n### Spread across seeds (normalised scores)\n\n")
	} else {
		fmt.Fprintf(w, "\nSpread across seeds (normalised scores)\n")
	}
	t := r.newTable(w, md)
	t.Header("env", "student", "sample std [95% CI]", "Brown–Forsythe F vs "+r.Match.Baseline, "p")
	for _, row := range r.Spread {
		t.Append(row.Env, row.Student, ci(row.Std, row.StdCILow, row.StdCIHi, 3), num(float64(row.BaselineF), 2), num(float64(row.BaselineP), 3))
	}
	if err := t.Render(); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nstd: sample standard deviation (n − 1) across seeds; CI: percentile bootstrap over seeds. "+
		"Brown–Forsythe: Levene's test of equal spread centred on medians, F(1, n − 2); a small p says the spreads differ.\n")
	return nil
}
