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
	for _, e := range r.Match.Envs {
		title := fmt.Sprintf("%s (teacher %s", e.ID, e.Teacher)
		for _, row := range r.Leaderboard {
			if row.Env == e.ID && !math.IsNaN(float64(row.TeacherReturn)) {
				title += fmt.Sprintf(": %.1f; random %.1f", float64(row.TeacherReturn), float64(row.RandomReturn))
				break
			}
		}
		title += ")"
		if md {
			fmt.Fprintf(w, "\n### %s\n\n", title)
		} else {
			fmt.Fprintf(w, "\n%s\n", title)
		}
		t := r.newTable(w, md)
		t.Header("student", "return mean ± std", "IQM [95% CI]", "normalised", "params", "hidden", "wall s", "seeds")
		for _, row := range r.Leaderboard {
			if row.Env != e.ID {
				continue
			}
			seeds := fmt.Sprint(row.Seeds)
			if row.Failed > 0 {
				seeds += fmt.Sprintf(" (%d failed)", row.Failed)
			}
			t.Append(row.Student,
				pm(row.ReturnMean, row.ReturnStd, 1),
				ci(row.IQM, row.IQMCILow, row.IQMCIHigh, 1),
				num(row.NormalizedMean, 3), num(row.ParamsMean, 0), num(row.HiddenMean, 1),
				num(row.WallSeconds, 1), seeds)
		}
		if err := t.Render(); err != nil {
			return err
		}
	}
	title := fmt.Sprintf("Overall: normalised scores across environments (baseline %s)", r.Match.Baseline)
	if md {
		fmt.Fprintf(w, "\n### %s\n\n", title)
	} else {
		fmt.Fprintf(w, "\n%s\n", title)
	}
	t := r.newTable(w, md)
	t.Header("student", "IQM normalised [95% CI]", "optimality gap", "P(improve over "+r.Match.Baseline+") [95% CI]", "mean params")
	for _, row := range r.Aggregate {
		t.Append(row.Student, ci(row.IQMNormalized, row.CILow, row.CIHigh, 3), num(row.OptimalityGap, 3),
			ci(row.ProbImprovement, row.ProbCILow, row.ProbCIHigh, 2), num(row.ParamsMean, 0))
	}
	if err := t.Render(); err != nil {
		return err
	}
	if len(r.Missing) > 0 {
		fmt.Fprintf(w, "\n%d runs of the match are missing from these results (e.g. %s).\n", len(r.Missing), r.Missing[0])
	}
	return nil
}

func num(v match.Num, prec int) string {
	f := float64(v)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return "-"
	}
	return fmt.Sprintf("%.*f", prec, f)
}

func pm(mean, std match.Num, prec int) string {
	if math.IsNaN(float64(std)) {
		return num(mean, prec)
	}
	return num(mean, prec) + " ± " + num(std, prec)
}

func ci(point, lo, hi match.Num, prec int) string {
	if math.IsNaN(float64(point)) {
		return "-"
	}
	return fmt.Sprintf("%s [%s, %s]", num(point, prec), num(lo, prec), num(hi, prec))
}
