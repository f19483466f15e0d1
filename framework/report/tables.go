package report

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"

	"github.com/smgrnn/arena/framework/match"
)

// Print writes the report in a format: "table" (boxed tables), "markdown"
// or "json" (the whole results.json).
func (r *Results) Print(w io.Writer, format string) error {
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	case "markdown":
		return r.writeTables(w, true)
	case "table", "":
		return r.writeTables(w, false)
	}
	return fmt.Errorf("unknown format %q (known: table, markdown, json)", format)
}

// Markdown returns the leaderboard as Markdown (leaderboard.md).
func (r *Results) Markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Leaderboard: %s\n\n", r.Match.Name)
	fmt.Fprintf(&b, "%d envs × %d students × %d seeds; budget %d env steps per run; baseline %s.\n\n",
		len(r.Match.Envs), len(r.Match.Students), len(r.Match.Seeds), r.Match.Protocol.EnvSteps, r.Match.Baseline)
	r.writeTables(&b, true)
	return b.String()
}

func (r *Results) newTable(w io.Writer, md bool) *tablewriter.Table {
	opts := []tablewriter.Option{tablewriter.WithHeaderAutoFormat(tw.Off)}
	if md {
		opts = append(opts, tablewriter.WithRenderer(renderer.NewMarkdown()))
	}
	return tablewriter.NewTable(w, opts...)
}

func (r *Results) writeTables(w io.Writer, md bool) error {
	heading := func(title string) {
		if md {
			fmt.Fprintf(w, "\n### %s\n\n", title)
		} else {
			fmt.Fprintf(w, "\n%s\n", title)
		}
	}
	for _, warn := range r.Warnings {
		if md {
			fmt.Fprintf(w, "\n> **Warning:** %s.\n", warn)
		} else {
			fmt.Fprintf(w, "\nWARNING: %s.\n", warn)
		}
	}
	header := []any{"student"}
	var cells []Cell
	for _, col := range columns {
		for _, c := range col.Cells {
			if c.Title != "" {
				header = append(header, c.Title)
				cells = append(cells, c)
			}
		}
	}
	header = append(header, "seeds")
	for _, e := range r.Match.Envs {
		title := fmt.Sprintf("%s (teacher %s", e.ID, e.Teacher)
		for _, row := range r.Leaderboard {
			if row.Env == e.ID && !math.IsNaN(row.Value("teacher_return")) {
				title += fmt.Sprintf(": %.1f; random %.1f", row.Value("teacher_return"), row.Value("random_return"))
				break
			}
		}
		heading(title + ")")
		t := r.newTable(w, md)
		t.Header(header...)
		for _, row := range r.Leaderboard {
			if row.Env != e.ID {
				continue
			}
			seeds := fmt.Sprint(row.Seeds)
			if row.Failed > 0 {
				seeds += fmt.Sprintf(" (%d failed)", row.Failed)
			}
			line := []any{row.Student}
			for _, c := range cells {
				v := make([]float64, len(c.Keys))
				for i, k := range c.Keys {
					v[i] = row.Value(k)
				}
				line = append(line, c.format(v))
			}
			if row.Seeds == 0 && len(line) > 1 {
				line[1] = "missing: no successful run"
			}
			t.Append(append(line, seeds)...)
		}
		if err := t.Render(); err != nil {
			return err
		}
	}
	heading(fmt.Sprintf("Overall: normalised scores of all runs pooled across environments (baseline %s)", r.Match.Baseline))
	t := r.newTable(w, md)
	t.Header("student", "IQM [95% CI]", "median [95% CI]", "mean [95% CI]", "optimality gap [95% CI]",
		"P(improve over "+r.Match.Baseline+") [95% CI]", "mean params")
	for _, row := range r.Aggregate {
		t.Append(row.Student, ci(row.IQMNormalized, row.CILow, row.CIHigh, 3),
			ci(row.Median, row.MedianCILow, row.MedianCIHigh, 3),
			ci(row.MeanNormalized, row.MeanCILow, row.MeanCIHigh, 3),
			ci(row.OptimalityGap, row.GapCILow, row.GapCIHigh, 3),
			ci(row.ProbImprovement, row.ProbCILow, row.ProbCIHigh, 2), num(float64(row.ParamsMean), 0))
	}
	if err := t.Render(); err != nil {
		return err
	}
	for _, row := range r.Aggregate {
		switch n := len(row.MissingEnvs); {
		case n > 0 && n == len(r.Match.Envs):
			fmt.Fprintf(w, "\n%s has no successful run on any environment: its overall row is empty.\n", row.Student)
		case n > 0:
			fmt.Fprintf(w, "\n%s has no successful run on %s: its overall row covers the other environments only.\n",
				row.Student, strings.Join(row.MissingEnvs, ", "))
		}
	}
	if err := r.writeSpread(w, md); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nNormalised score: 0 is the random policy, 1 the teacher. IQM: mean of the middle 50%% of runs. "+
		"Optimality gap: mean shortfall below 1. CIs: 95%% percentile stratified bootstrap, %d resamples, seed %d.\n",
		r.Bootstrap.Reps, r.Bootstrap.Seed)
	if len(r.Missing) > 0 {
		fmt.Fprintf(w, "\n%s of the match %s missing from these results (e.g. %s).\n",
			count(len(r.Missing), "run", "runs"), isAre(len(r.Missing)), r.Missing[0])
	}
	return nil
}

// count writes n with the noun in its number: "1 run", "3 runs".
func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

func isAre(n int) string {
	if n == 1 {
		return "is"
	}
	return "are"
}

// num formats v with prec decimals, "-" when it is missing.
func num(v float64, prec int) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "-"
	}
	return fmt.Sprintf("%.*f", prec, v)
}

func ci(point, lo, hi match.Num, prec int) string {
	return Cell{Stat: IQMCI, Prec: prec}.format([]float64{float64(point), float64(lo), float64(hi)})
}
