package report

import (
	"bytes"
	"fmt"
	"image/color"
	"math"
	"os"
	"path/filepath"
	"sort"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"

	"github.com/smgrnn/arena/framework/match"
	"github.com/smgrnn/arena/framework/stats"
)

// WritePlots writes the report's PNG plots into dir: per environment the
// learning curves (mean return across seeds with a 95% bootstrap band, one
// line per student), the network size over training and the score against
// size (pareto-<env>.png), and the final normalised scores per student
// (IQM with its 95% CI).
func (r *Results) WritePlots(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, e := range r.Match.Envs {
		curves, err := r.curvePlot(e.ID, "return", func(p match.CurvePoint) float64 { return float64(p.ReturnMean) }, true)
		if err != nil {
			return err
		}
		if err := savePlot(curves, filepath.Join(dir, "curve-"+match.SafeName(e.ID)+".png")); err != nil {
			return err
		}
		sizes, err := r.curvePlot(e.ID, "parameters", func(p match.CurvePoint) float64 { return float64(p.Params) }, false)
		if err != nil {
			return err
		}
		sizes.Y.Scale = plot.LogScale{}
		sizes.Y.Tick.Marker = plot.LogTicks{Prec: -1}
		if err := savePlot(sizes, filepath.Join(dir, "size-"+match.SafeName(e.ID)+".png")); err != nil {
			return err
		}
	}
	if err := r.writeParetoPlots(dir); err != nil {
		return err
	}
	scores, err := r.scorePlot()
	if err != nil {
		return err
	}
	return savePlot(scores, filepath.Join(dir, "scores.png"))
}

// curvePlot draws one line per student of a per-evaluation quantity, the
// mean across seeds, with a 95% bootstrap band of that mean when band is
// set.
func (r *Results) curvePlot(env, ylabel string, get func(match.CurvePoint) float64, band bool) (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = env
	p.X.Label.Text = "environment steps"
	p.Y.Label.Text = ylabel
	p.Legend.Top = true
	p.Legend.Left = true
	opts := stats.Options{Seed: BootstrapSeed, Reps: 1000}
	for i, s := range r.Match.Students {
		// byStep[steps] holds one value per seed.
		byStep := map[int][]float64{}
		for _, run := range r.Runs {
			if run.Env != env || run.Student != s.Name || run.Status != match.StatusOK {
				continue
			}
			for _, pt := range run.Curve {
				if v := get(pt); !math.IsNaN(v) {
					byStep[pt.EnvSteps] = append(byStep[pt.EnvSteps], v)
				}
			}
		}
		if len(byStep) == 0 {
			continue
		}
		steps := make([]int, 0, len(byStep))
		for st := range byStep {
			steps = append(steps, st)
		}
		sort.Ints(steps)
		line := make(plotter.XYs, len(steps))
		lo := make(plotter.XYs, len(steps))
		hi := make(plotter.XYs, len(steps))
		for k, st := range steps {
			vals := byStep[st]
			m := stats.Mean(vals)
			line[k] = plotter.XY{X: float64(st), Y: m}
			lo[k], hi[k] = line[k], line[k]
			if band {
				if iv, err := opts.Estimate([][]float64{vals}, stats.Pooled(stats.Mean)); err == nil {
					lo[k].Y, hi[k].Y = iv.Lo, iv.Hi
				}
			}
		}
		c := plotutil.Color(i)
		if band {
			// The band is the polygon along the lower bound and back along
			// the upper one.
			poly := append(plotter.XYs{}, lo...)
			for k := len(hi) - 1; k >= 0; k-- {
				poly = append(poly, hi[k])
			}
			pg, err := plotter.NewPolygon(poly)
			if err != nil {
				return nil, err
			}
			rr, gg, bb, _ := c.RGBA()
			pg.Color = color.NRGBA{R: uint8(rr >> 8), G: uint8(gg >> 8), B: uint8(bb >> 8), A: 50}
			pg.LineStyle.Width = 0
			p.Add(pg)
		}
		l, err := plotter.NewLine(line)
		if err != nil {
			return nil, err
		}
		l.Color = c
		l.Width = vg.Points(1.5)
		l.Dashes = plotutil.Dashes(i)
		p.Add(l)
		p.Legend.Add(s.Name, l)
	}
	return p, nil
}

// scorePlot draws each student's IQM of normalised scores across all
// environments with its 95% CI.
func (r *Results) scorePlot() (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = r.Match.Name + ": final normalised score (IQM, 95% CI)"
	p.Y.Label.Text = "normalised score"
	var names []string
	pts := plotter.XYs{}
	errs := plotter.YErrors{}
	for i, row := range r.Aggregate {
		names = append(names, row.Student)
		v := float64(row.IQMNormalized)
		if math.IsNaN(v) {
			continue
		}
		pts = append(pts, plotter.XY{X: float64(i), Y: v})
		errs = append(errs, struct{ Low, High float64 }{v - float64(row.CILow), float64(row.CIHigh) - v})
	}
	p.NominalX(names...)
	if len(pts) == 0 {
		return p, nil
	}
	sc, err := plotter.NewScatter(pts)
	if err != nil {
		return nil, err
	}
	eb, err := plotter.NewYErrorBars(struct {
		plotter.XYs
		plotter.YErrors
	}{pts, errs})
	if err != nil {
		return nil, err
	}
	one := plotter.NewFunction(func(float64) float64 { return 1 })
	one.Dashes = []vg.Length{vg.Points(4), vg.Points(4)}
	p.Add(one, sc, eb)
	p.Legend.Add("teacher", one)
	// A function has no data range: without this the teacher's line is
	// drawn outside the axis whenever every student is below it.
	if p.Y.Max < 1.01 {
		p.Y.Max = 1.01
	}
	p.Legend.Top = true
	p.X.Min, p.X.Max = -0.5, float64(len(names))-0.5 // room for the end bars
	return p, nil
}

func savePlot(p *plot.Plot, path string) error {
	wt, err := p.WriterTo(8*vg.Inch, 5*vg.Inch, "png")
	if err != nil {
		return fmt.Errorf("plot %s: %w", filepath.Base(path), err)
	}
	var buf bytes.Buffer
	if _, err := wt.WriteTo(&buf); err != nil {
		return fmt.Errorf("plot %s: %w", filepath.Base(path), err)
	}
	return match.WriteFileAtomic(path, buf.Bytes())
}
