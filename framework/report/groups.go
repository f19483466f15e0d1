package report

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strings"

	"github.com/smgrnn/arena/framework/match"
	"github.com/smgrnn/arena/framework/stats"
)

// Group is the runs of every student that shares one value of each
// grouping setting, such as all the learning_rate = 0.001 students of a
// sweep whatever their other settings.
type Group struct {
	// Values holds the group's value of each setting, in the order asked.
	Values   []string `json:"values"`
	Students []string `json:"students"`
	// Summary is of the normalised scores of all the group's runs pooled,
	// resampled within each environment.
	Summary    stats.Summary `json:"summary"`
	ParamsMean match.Num     `json:"params_mean"`
}

// GroupBy pools the students by their values of the given settings
// (learning_rate included) over the environments of Aggregate. A student
// that lacks a setting is grouped under "-".
func (r *Results) GroupBy(keys []string) ([]Group, error) {
	if len(keys) == 0 {
		return nil, fmt.Errorf("group by what? name one or more student settings")
	}
	known := map[string]bool{"learning_rate": true}
	for _, s := range r.Match.Students {
		for k := range s.Params {
			known[k] = true
		}
	}
	for _, k := range keys {
		if !known[k] {
			return nil, fmt.Errorf("no student of match %q has a setting %q", r.Match.Name, k)
		}
	}
	envs := r.commonEnvs()
	byKey := map[string]*Group{}
	var order []string
	for _, s := range r.Match.Students {
		vals := make([]string, len(keys))
		for i, k := range keys {
			vals[i] = r.setting(s, k)
		}
		id := strings.Join(vals, "\x00")
		g := byKey[id]
		if g == nil {
			g = &Group{Values: vals}
			byKey[id] = g
			order = append(order, id)
		}
		g.Students = append(g.Students, s.Name)
	}
	sort.Strings(order)
	opts := r.bootstrap()
	var out []Group
	for _, id := range order {
		g := byKey[id]
		in := map[string]bool{}
		for _, s := range g.Students {
			in[s] = true
		}
		x := make([][]float64, len(envs))
		var params []float64
		for i, e := range envs {
			for _, run := range r.Runs {
				if run.Env == e && in[run.Student] && run.Status == match.StatusOK {
					x[i] = append(x[i], float64(run.Normalized))
					params = append(params, float64(run.Params))
				}
			}
		}
		g.ParamsMean = match.Num(stats.Mean(params))
		if sum, err := stats.Summarize(x, opts); err == nil {
			g.Summary = sum
		} else {
			nan := stats.Interval{Point: math.NaN(), Lo: math.NaN(), Hi: math.NaN()}
			g.Summary = stats.Summary{Mean: nan, Median: nan, IQM: nan, OptimalityGap: nan, Std: math.NaN()}
		}
		out = append(out, *g)
	}
	return out, nil
}

// commonEnvs are the envs where every student has a successful run, the
// ones Aggregate compares on.
func (r *Results) commonEnvs() []string {
	have := map[string]map[string]bool{}
	for _, run := range r.Runs {
		if run.Status != match.StatusOK {
			continue
		}
		if have[run.Env] == nil {
			have[run.Env] = map[string]bool{}
		}
		have[run.Env][run.Student] = true
	}
	var envs []string
	for _, e := range r.Match.Envs {
		all := true
		for _, s := range r.Match.Students {
			all = all && have[e.ID][s.Name]
		}
		if all {
			envs = append(envs, e.ID)
		}
	}
	return envs
}

// setting is a student's value of a setting as a group label.
func (r *Results) setting(s match.StudentEntry, key string) string {
	if key == "learning_rate" {
		lr := r.Match.Adam.LearningRate
		if s.LearningRate != nil {
			lr = *s.LearningRate
		}
		return fmt.Sprint(lr)
	}
	v, ok := s.Params[key]
	if !ok {
		return "-"
	}
	if list, ok := v.([]any); ok {
		parts := make([]string, len(list))
		for i, e := range list {
			parts[i] = fmt.Sprint(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	}
	return fmt.Sprint(v)
}

// PrintGroups writes GroupBy's table: one row per group, with the IQM and
// mean of its pooled normalised scores and their CIs.
func (r *Results) PrintGroups(w io.Writer, keys []string, md bool) error {
	groups, err := r.GroupBy(keys)
	if err != nil {
		return err
	}
	title := fmt.Sprintf("Grouped by %s: normalised scores of every run of the group's students pooled", strings.Join(keys, ", "))
	if md {
		fmt.Fprintf(w, "\n### %s\n\n", title)
	} else {
		fmt.Fprintf(w, "\n%s\n", title)
	}
	t := r.newTable(w, md)
	header := []any{}
	for _, k := range keys {
		header = append(header, k)
	}
	t.Header(append(header, "students", "runs", "IQM [95% CI]", "mean [95% CI]", "mean params")...)
	for _, g := range groups {
		row := []any{}
		for _, v := range g.Values {
			row = append(row, v)
		}
		s := g.Summary
		t.Append(append(row, len(g.Students), s.Runs,
			Cell{Stat: IQMCI, Prec: 3}.format([]float64{s.IQM.Point, s.IQM.Lo, s.IQM.Hi}),
			Cell{Stat: IQMCI, Prec: 3}.format([]float64{s.Mean.Point, s.Mean.Lo, s.Mean.Hi}),
			num(float64(g.ParamsMean), 0))...)
	}
	return t.Render()
}
