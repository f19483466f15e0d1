package report

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"

	"github.com/smgrnn/arena/framework/match"
)

// WriteFiles writes the report into an output folder: results.json,
// runs.csv, leaderboard.md, plots/*.png and topologies/*.dot (with an SVG
// beside each when Graphviz's dot is installed). Every file is written
// atomically.
func (r *Results) WriteFiles(dir string) error {
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding results.json: %w", err)
	}
	if err := match.WriteFileAtomic(filepath.Join(dir, "results.json"), append(data, '\n')); err != nil {
		return err
	}
	if err := match.WriteFileAtomic(filepath.Join(dir, "runs.csv"), r.csv()); err != nil {
		return err
	}
	if err := match.WriteFileAtomic(filepath.Join(dir, "leaderboard.md"), []byte(r.Markdown())); err != nil {
		return err
	}
	if err := r.writeTopologies(filepath.Join(dir, "topologies")); err != nil {
		return err
	}
	return r.WritePlots(filepath.Join(dir, "plots"))
}

func (r *Results) csv() []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write([]string{"id", "env", "student", "kind", "seed", "status", "final_return_mean", "final_return_std",
		"normalized", "curve_auc", "teacher_return", "random_return", "params", "hidden_neurons", "edges", "wall_seconds", "error"})
	f := func(v match.Num) string { return strconv.FormatFloat(float64(v), 'g', -1, 64) }
	for _, run := range r.Runs {
		w.Write([]string{run.ID, run.Env, run.Student, run.Kind, strconv.FormatUint(run.Seed, 10), run.Status,
			f(run.FinalReturnMean), f(run.FinalReturnStd), f(run.Normalized), f(run.CurveAUC),
			f(run.TeacherReturn), f(run.RandomReturn), strconv.Itoa(run.Params), strconv.Itoa(run.HiddenNeurons),
			strconv.Itoa(run.Edges), strconv.FormatFloat(run.WallSeconds, 'f', 3, 64), run.Error})
	}
	w.Flush()
	return b.Bytes()
}

// writeTopologies writes every final topology as DOT, and as SVG when
// Graphviz is installed (it is optional: the DOT is the record).
func (r *Results) writeTopologies(dir string) error {
	dotPath, _ := exec.LookPath("dot")
	for _, run := range r.Runs {
		if run.Topology == "" {
			continue
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		path := filepath.Join(dir, run.ID+".dot")
		if err := match.WriteFileAtomic(path, []byte(run.Topology)); err != nil {
			return err
		}
		if dotPath != "" {
			svg, err := exec.Command(dotPath, "-Tsvg", path).Output()
			if err == nil {
				if err := match.WriteFileAtomic(filepath.Join(dir, run.ID+".svg"), svg); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
