package match

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
)

// TestRunLog checks runs/<id>.csv: every round and every evaluation of the
// record, in step order, readable by any CSV reader.
func TestRunLog(t *testing.T) {
	dir := t.TempDir()
	_, recs := runTiny(t, dir, Options{})
	for _, rec := range recs {
		f, err := os.Open(filepath.Join(dir, "runs", rec.ID+".csv"))
		if err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(f).ReadAll()
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		col := func(name string) int {
			i := slices.Index(rows[0], name)
			if i < 0 {
				t.Fatalf("%s.csv lacks column %q: %v", rec.ID, name, rows[0])
			}
			return i
		}
		kind, steps, loss, beta, params, ret := col("kind"), col("env_steps"), col("loss"), col("beta"), col("params"), col("return_mean")
		var evals, rounds []int
		last := -1
		for _, r := range rows[1:] {
			st, _ := strconv.Atoi(r[steps])
			if st < last {
				t.Fatalf("%s.csv: steps go back from %d to %d", rec.ID, last, st)
			}
			last = st
			switch r[kind] {
			case "eval":
				evals = append(evals, st)
				if r[ret] == "" || r[loss] != "" {
					t.Errorf("eval row %v: a return and no loss expected", r)
				}
			case "round":
				rounds = append(rounds, st)
				if r[loss] == "" || r[beta] == "" || r[ret] != "" {
					t.Errorf("round row %v: a loss, a β and no return expected", r)
				}
			default:
				t.Fatalf("row kind %q", r[kind])
			}
			if p, _ := strconv.Atoi(r[params]); p != 2 {
				t.Errorf("row %v: params %d, want the fake student's 2", r, p)
			}
		}
		if len(evals) != len(rec.Curve) {
			t.Errorf("%s: %d eval rows, %d curve points", rec.ID, len(evals), len(rec.Curve))
		}
		for i, p := range rec.Curve {
			if i < len(evals) && evals[i] != p.EnvSteps {
				t.Errorf("%s: eval row %d at %d steps, curve at %d", rec.ID, i, evals[i], p.EnvSteps)
			}
		}
		if len(rounds) == 0 || rounds[len(rounds)-1] != 400 {
			t.Errorf("%s: rounds at %v, want the last at the budget's 400 steps", rec.ID, rounds)
		}
	}
}
