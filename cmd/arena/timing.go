package main

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strings"

	"github.com/smgrnn/arena/framework/match"
)

// timeParts are the parts of a run's timing_seconds the summary shows, in
// order, with the names it shows them by.
var timeParts = []struct{ key, name string }{
	{"teacher", "teacher labels"},
	{"student_act", "student acting"},
	{"student_train", "training"},
	{"env", "environment"},
	{"eval", "evaluation"},
	{"baselines", "baselines"},
}

// printTiming writes where the runs' time went: for each part of
// timing_seconds, the seconds summed over the runs of each environment and
// over all runs, and its share of the runs' total time. "other" is the
// total less the parts (the protocol's own work: buffer, minibatches); it
// can be below zero, since a run's evaluations overlap its training. With
// plugin processes every part includes its plugin round trips.
func printTiming(w io.Writer, runs []match.RunRecord) {
	var envs []string
	sums := map[string]map[string]float64{} // env ("" for all) → part → seconds
	add := func(env, key string, v float64) {
		if sums[env] == nil {
			sums[env] = map[string]float64{}
		}
		sums[env][key] += v
	}
	for _, r := range runs {
		if r.Timing == nil {
			continue
		}
		if !slices.Contains(envs, r.Env) {
			envs = append(envs, r.Env)
		}
		other := r.Timing["total"]
		for _, p := range timeParts {
			add(r.Env, p.key, r.Timing[p.key])
			add("", p.key, r.Timing[p.key])
			other -= r.Timing[p.key]
		}
		add(r.Env, "other", other)
		add("", "other", other)
		add(r.Env, "total", r.Timing["total"])
		add("", "total", r.Timing["total"])
	}
	if len(envs) == 0 {
		return
	}
	slices.Sort(envs)
	cols := append(envs, "") // "" is all runs
	header := []string{"where the time went"}
	for _, e := range envs {
		header = append(header, e)
	}
	header = append(header, "all runs")
	rows := [][]string{header}
	cell := func(env, key string) string {
		total := sums[env]["total"]
		v := sums[env][key]
		if total <= 0 {
			return fmt.Sprintf("%.1f s", noNegZero(v, 10))
		}
		return fmt.Sprintf("%.1f s %3.0f%%", noNegZero(v, 10), noNegZero(100*v/total, 1))
	}
	parts := append(append([]struct{ key, name string }(nil), timeParts...),
		struct{ key, name string }{"other", "other"}, struct{ key, name string }{"total", "run time (sum)"})
	for _, p := range parts {
		row := []string{p.name}
		for _, e := range cols {
			if p.key == "total" {
				row = append(row, fmt.Sprintf("%.1f s", sums[e]["total"]))
				continue
			}
			row = append(row, cell(e, p.key))
		}
		rows = append(rows, row)
	}
	widths := make([]int, len(header))
	for _, row := range rows {
		for i, c := range row {
			widths[i] = max(widths[i], len([]rune(c)))
		}
	}
	for ri, row := range rows {
		var b strings.Builder
		for i, c := range row {
			pad := strings.Repeat(" ", widths[i]-len([]rune(c)))
			if i == 0 {
				b.WriteString(c + pad)
			} else {
				b.WriteString("  " + pad + c)
			}
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
		if ri == 0 {
			fmt.Fprintln(w, strings.Repeat("-", len([]rune(b.String()))))
		}
	}
}

// noNegZero rounds v to 1/scale and turns a rounded −0 into 0, so a tiny
// negative figure does not print as "-0".
func noNegZero(v, scale float64) float64 {
	v = math.Round(v*scale) / scale
	if v == 0 {
		return 0
	}
	return v
}
