package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/smgrnn/arena/framework/report"
)

func init() {
	register(&command{
		name:    "diff",
		summary: "compare two result folders field by field (a rerun, shards merged against a whole run)",
		run:     runDiff,
	})
}

// diffLimit bounds the differences printed: the first few say what broke.
const diffLimit = 20

func runDiff(args []string, stdout io.Writer) error {
	fs := newFlags("diff DIR_A DIR_B", stdout)
	clocks := fs.Bool("clocks", false, "also compare wall-clock times (wall_seconds, timing_seconds), which differ between any two runs")
	runsOnly := fs.Bool("runs", false, "compare the run records only, not the tables computed from them (for folders reported by different arena versions)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return badInput("diff needs two result folders, got %d", len(pos))
	}
	var docs [2][]byte
	for i, dir := range pos {
		if docs[i], err = resultsJSON(dir); err != nil {
			return asInput(err)
		}
	}
	ignore := append([]string(nil), report.PlaceFields...)
	if !*clocks {
		ignore = append(ignore, report.ClockFields...)
	}
	if *runsOnly {
		for i := range docs {
			if docs[i], err = runsOf(docs[i]); err != nil {
				return asInput(fmt.Errorf("%s: %w", pos[i], err))
			}
		}
	}
	diffs, err := report.Diff(docs[0], docs[1], ignore, diffLimit)
	if err != nil {
		return asInput(err)
	}
	if len(diffs) == 0 {
		what := "identical: every run record, the leaderboard and the aggregates"
		if *runsOnly {
			what = "identical: every run record"
		}
		if !*clocks {
			what += " (wall-clock times not compared)"
		}
		fmt.Fprintln(stdout, what)
		return nil
	}
	for _, d := range diffs {
		fmt.Fprintln(stdout, d)
	}
	if len(diffs) == diffLimit {
		fmt.Fprintf(stdout, "(the first %d differences)\n", diffLimit)
	}
	fmt.Fprintf(diag, "arena diff: %s and %s differ\n", pos[0], pos[1])
	return silentFailure{1}
}

// resultsJSON is a folder's results.json as written, or, for a folder
// whose report was never written (an interrupted or sharded run), the
// report built from its run records.
func resultsJSON(dir string) ([]byte, error) {
	data, err := os.ReadFile(filepath.Join(dir, "results.json"))
	if err == nil {
		return data, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	res, err := report.FromDirs([]string{dir})
	if err != nil {
		return nil, err
	}
	return json.Marshal(res)
}

// runsOf keeps only the run records of a results.json document.
func runsOf(doc []byte) ([]byte, error) {
	var v struct {
		Runs json.RawMessage `json:"runs"`
	}
	if err := json.Unmarshal(doc, &v); err != nil {
		return nil, err
	}
	if v.Runs == nil {
		return nil, fmt.Errorf("results.json holds no runs")
	}
	return []byte(`{"runs":` + string(v.Runs) + `}`), nil
}
