package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"

	"github.com/smgrnn/arena/framework/match"
	"github.com/smgrnn/arena/framework/stats"
)

// A Column is one per-run number, declared once: its runs.csv column, how
// it is read from a run record, and the statistics across seeds that each
// env × student cell of the leaderboard gives it (results.json keys, and
// table columns when titled). Adding a per-run number to every output
// takes one Column in columns.
type Column struct {
	// Key is the runs.csv header.
	Key string
	// Get reads the number from a record; NaN when the record lacks it.
	Get func(r *match.RunRecord) float64
	// Cells are the statistics across a cell's seeds.
	Cells []Cell
}

// A Cell is one statistic of a Column across the seeds of an env ×
// student cell.
type Cell struct {
	Stat CellStat
	// Keys name the statistic's values in results.json, as many as
	// Stat gives: e.g. mean and std, or IQM and its CI's ends.
	Keys []string
	// Title heads the statistic's column in the per-environment tables;
	// empty keeps it out of the tables.
	Title string
	// Prec is the number of decimals in the tables.
	Prec int
}

// CellStat is a statistic across seeds.
type CellStat int

// The statistics a Cell can hold.
const (
	// Mean is the mean across seeds.
	Mean CellStat = iota
	// MeanStd is the mean and the sample standard deviation (n − 1).
	MeanStd
	// IQMCI is the interquartile mean with its stratified bootstrap CI.
	IQMCI
)

// count is how many numbers a statistic gives.
func (s CellStat) count() int { return [...]int{1, 2, 3}[s] }

// columns are the per-run numbers of a report, in runs.csv and
// results.json order.
var columns = []Column{
	{Key: "final_return_mean", Get: func(r *match.RunRecord) float64 { return float64(r.FinalReturnMean) }, Cells: []Cell{
		{Stat: MeanStd, Keys: []string{"return_mean", "return_std"}, Title: "return mean ± std", Prec: 1},
		{Stat: IQMCI, Keys: []string{"iqm", "iqm_ci_low", "iqm_ci_high"}, Title: "return IQM [95% CI]", Prec: 1},
	}},
	{Key: "final_return_std", Get: func(r *match.RunRecord) float64 { return float64(r.FinalReturnStd) }},
	{Key: "normalized", Get: func(r *match.RunRecord) float64 { return float64(r.Normalized) }, Cells: []Cell{
		{Stat: Mean, Keys: []string{"normalized_mean"}, Prec: 3},
		{Stat: IQMCI, Keys: []string{"normalized_iqm", "normalized_iqm_ci_low", "normalized_iqm_ci_high"}, Title: "normalised IQM [95% CI]", Prec: 3},
	}},
	{Key: "curve_auc", Get: func(r *match.RunRecord) float64 { return float64(r.CurveAUC) }, Cells: []Cell{
		{Stat: Mean, Keys: []string{"auc_mean"}, Prec: 3},
	}},
	{Key: "teacher_return", Get: func(r *match.RunRecord) float64 { return float64(r.TeacherReturn) }, Cells: []Cell{
		{Stat: Mean, Keys: []string{"teacher_return"}, Prec: 1},
	}},
	{Key: "random_return", Get: func(r *match.RunRecord) float64 { return float64(r.RandomReturn) }, Cells: []Cell{
		{Stat: Mean, Keys: []string{"random_return"}, Prec: 1},
	}},
	{Key: "params", Get: func(r *match.RunRecord) float64 { return float64(r.Params) }, Cells: []Cell{
		{Stat: Mean, Keys: []string{"params_mean"}, Title: "params", Prec: 0},
	}},
	{Key: "hidden_neurons", Get: func(r *match.RunRecord) float64 { return float64(r.Hidden) }, Cells: []Cell{
		{Stat: Mean, Keys: []string{"hidden_mean"}, Title: "hidden", Prec: 1},
	}},
	{Key: "edges", Get: func(r *match.RunRecord) float64 { return float64(r.Edges) }, Cells: []Cell{
		{Stat: Mean, Keys: []string{"edges_mean"}, Prec: 0},
	}},
	{Key: "wall_seconds", Get: func(r *match.RunRecord) float64 { return r.WallSeconds }, Cells: []Cell{
		{Stat: Mean, Keys: []string{"wall_seconds_mean"}, Title: "wall s", Prec: 1},
	}},
}

// values computes a statistic of one cell's seeds; every value is NaN
// when there are no seeds or the statistic is undefined.
func (c Cell) values(x []float64, opts stats.Options) []float64 {
	out := make([]float64, c.Stat.count())
	for i := range out {
		out[i] = math.NaN()
	}
	if len(x) == 0 {
		return out
	}
	switch c.Stat {
	case Mean:
		out[0] = stats.Mean(x)
	case MeanStd:
		out[0], out[1] = stats.Mean(x), stats.SampleStd(x)
	case IQMCI:
		out[0] = stats.IQM(x)
		if iv, err := opts.Estimate([][]float64{x}, stats.PooledIQM); err == nil {
			out[0], out[1], out[2] = iv.Point, iv.Lo, iv.Hi
		}
	}
	return out
}

// format writes a statistic's values as a table cell: "-" for a missing
// value.
func (c Cell) format(v []float64) string {
	switch c.Stat {
	case MeanStd:
		if math.IsNaN(v[1]) {
			return num(v[0], c.Prec)
		}
		return num(v[0], c.Prec) + " ± " + num(v[1], c.Prec)
	case IQMCI:
		if math.IsNaN(v[0]) {
			return "-"
		}
		return fmt.Sprintf("%s [%s, %s]", num(v[0], c.Prec), num(v[1], c.Prec), num(v[2], c.Prec))
	}
	return num(v[0], c.Prec)
}

// EnvRow summarises one student on one environment across seeds: the
// Cells of every Column.
type EnvRow struct {
	Env     string
	Student string
	// Seeds counts the successful runs, Failed the failed ones.
	Seeds, Failed int
	// values holds every cell statistic by its results.json key.
	values map[string]float64
}

// newEnvRow computes the cells of the successful runs rs.
func newEnvRow(env, student string, rs []match.RunRecord, failed int, opts stats.Options) EnvRow {
	row := EnvRow{Env: env, Student: student, Seeds: len(rs), Failed: failed, values: map[string]float64{}}
	for _, col := range columns {
		x := make([]float64, len(rs))
		for i := range rs {
			x[i] = col.Get(&rs[i])
		}
		for _, c := range col.Cells {
			for i, v := range c.values(x, opts) {
				row.values[c.Keys[i]] = v
			}
		}
	}
	return row
}

// Value returns the cell statistic that results.json names key; NaN when
// it is missing.
func (r EnvRow) Value(key string) float64 {
	if v, ok := r.values[key]; ok {
		return v
	}
	return math.NaN()
}

// MarshalJSON writes the row as one flat object, its cells in the order
// columns declares them, a missing value as null.
func (r EnvRow) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("{")
	field := func(key string, v any) {
		if b.Len() > 1 {
			b.WriteString(",")
		}
		k, _ := json.Marshal(key)
		val, _ := json.Marshal(v)
		b.Write(k)
		b.WriteString(":")
		b.Write(val)
	}
	field("env", r.Env)
	field("student", r.Student)
	field("seeds", r.Seeds)
	field("failed", r.Failed)
	for _, col := range columns {
		for _, c := range col.Cells {
			for _, k := range c.Keys {
				field(k, match.Num(r.Value(k)))
			}
		}
	}
	b.WriteString("}")
	return b.Bytes(), nil
}

// UnmarshalJSON reads what MarshalJSON writes; null reads as NaN.
func (r *EnvRow) UnmarshalJSON(data []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return err
	}
	*r = EnvRow{values: map[string]float64{}}
	for k, v := range raw {
		var err error
		switch k {
		case "env":
			err = json.Unmarshal(v, &r.Env)
		case "student":
			err = json.Unmarshal(v, &r.Student)
		case "seeds":
			err = json.Unmarshal(v, &r.Seeds)
		case "failed":
			err = json.Unmarshal(v, &r.Failed)
		default:
			var n match.Num
			err = json.Unmarshal(v, &n)
			r.values[k] = float64(n)
		}
		if err != nil {
			return fmt.Errorf("leaderboard row key %q: %w", k, err)
		}
	}
	return nil
}

// csvHeader and csvRow are runs.csv's: identity, every Column, the error.
func csvHeader() []string {
	h := []string{"id", "env", "student", "kind", "seed", "status"}
	for _, c := range columns {
		h = append(h, c.Key)
	}
	return append(h, "error")
}

func csvRow(r *match.RunRecord) []string {
	row := []string{r.ID, r.Env, r.Student, r.Kind, strconv.FormatUint(r.Seed, 10), r.Status}
	for _, c := range columns {
		v := c.Get(r)
		s := ""
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			s = strconv.FormatFloat(v, 'g', -1, 64)
		}
		row = append(row, s)
	}
	return append(row, r.Error)
}
