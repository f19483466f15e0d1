package report

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/smgrnn/arena/framework/match"
)

// WriteFiles writes the report into an output folder: results.json,
// runs.csv, leaderboard.md, plots/*.png and topologies/*.dot (with an SVG
// beside each when Graphviz's dot is installed). Every file is written
// atomically. The folder is created if it does not exist.
func (r *Results) WriteFiles(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("creating the report folder: %w", err)
	}
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
	w.Write(csvHeader())
	for i := range r.Runs {
		w.Write(csvRow(&r.Runs[i]))
	}
	w.Flush()
	return b.Bytes()
}

// writeTopologies writes every final topology as DOT (the record), as a
// PNG drawn here, layered by depth with edge width by |w|, and as SVG
// without weight labels when Graphviz is installed.
func (r *Results) writeTopologies(dir string) error {
	var written []string
	for _, run := range r.Runs {
		if run.Topology == "" {
			continue
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		path, err := match.PathIn(dir, run.ID+".dot")
		if err != nil {
			return err
		}
		if err := match.WriteFileAtomic(path, []byte(run.Topology)); err != nil {
			return err
		}
		written = append(written, path)
		// A DOT this reader cannot lay out still has its .dot file.
		if png, err := topologyPNG(fmt.Sprintf("%s (seed %d): final network", run.Student+" on "+run.Env, run.Seed), run.Topology); err == nil {
			if err := match.WriteFileAtomic(strings.TrimSuffix(path, ".dot")+".png", png); err != nil {
				return err
			}
		}
	}
	if dotPath, err := exec.LookPath("dot"); err == nil {
		return renderSVGs(dotPath, written)
	}
	return nil
}

// dotArgs lay a network out quickly. With dot's defaults a grown network
// takes many seconds to lay out (crossing minimisation and network simplex
// run to convergence), so a match's topologies took longer than its runs;
// straight edges and capped iterations cut that by an order of magnitude,
// and the picture still reads left to right by level.
var dotArgs = []string{"-Tsvg", "-Gsplines=line", "-Gnslimit=2", "-Gnslimit1=2", "-Gmclimit=0.2"}

// svgTimeout bounds one layout: a picture is never worth a stuck report.
const svgTimeout = time.Minute

// renderSVGs writes an SVG beside each DOT file, on every CPU. A layout
// that fails or times out leaves no SVG; the DOT stays.
func renderSVGs(dotPath string, paths []string) error {
	jobs := make(chan string)
	errs := make(chan error, len(paths))
	var wg sync.WaitGroup
	for range min(runtime.NumCPU(), len(paths)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for path := range jobs {
				ctx, cancel := context.WithTimeout(context.Background(), svgTimeout)
				var svg []byte
				src, err := os.ReadFile(path)
				if err == nil {
					cmd := exec.CommandContext(ctx, dotPath, dotArgs...)
					cmd.Stdin = strings.NewReader(unlabelledDOT(string(src)))
					svg, err = cmd.Output()
				}
				cancel()
				if err == nil {
					errs <- match.WriteFileAtomic(strings.TrimSuffix(path, ".dot")+".svg", svg)
				}
			}
		}()
	}
	for _, p := range paths {
		jobs <- p
	}
	close(jobs)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
