package report

import (
	"bytes"
	"fmt"
	"image/color"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/smgrnn/arena/framework/match"
	"github.com/smgrnn/arena/framework/stats"
)

// WritePlots writes the report's PNG plots into dir: per environment the
// learning curves (mean return across seeds with a bootstrap band, one
// line per student) and the network size over training; across
// environments the final normalised scores (IQM with its CI) and the
// performance profiles; per environment the score against the size
// (pareto-<env>.png). Each plot keeps its legend and the description of
// its lines and bands beside the data, never over it.
func (r *Results) WritePlots(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, e := range r.Match.Envs {
		curves, err := r.curvePlot(e.ID, "return", func(p match.CurvePoint) float64 { return float64(p.ReturnMean) }, true)
		if err != nil {
			return err
		}
		if err := curves.save(filepath.Join(dir, "curve-"+match.SafeName(e.ID)+".png")); err != nil {
			return err
		}
		sizes, err := r.curvePlot(e.ID, "parameters (log scale)", func(p match.CurvePoint) float64 { return float64(p.Params) }, false)
		if err != nil {
			return err
		}
		// A log scale needs positive data: with no successful run, or a
		// student that reports no parameters, the axis stays linear.
		if sizes.p.Y.Min > 0 && sizes.p.Y.Min <= sizes.p.Y.Max {
			sizes.p.Y.Scale = plot.LogScale{}
			sizes.p.Y.Tick.Marker = plot.TickerFunc(logTicks)
			// Room above the largest network and below the smallest, so no
			// line runs along the frame.
			sizes.p.Y.Min, sizes.p.Y.Max = sizes.p.Y.Min/1.25, sizes.p.Y.Max*1.25
		}
		if err := sizes.save(filepath.Join(dir, "size-"+match.SafeName(e.ID)+".png")); err != nil {
			return err
		}
	}
	scores, err := r.scorePlot()
	if err != nil {
		return err
	}
	if err := scores.save(filepath.Join(dir, "scores.png")); err != nil {
		return err
	}
	if err := r.writeParetoPlots(dir); err != nil {
		return err
	}
	profile, err := r.profilePlot()
	if err != nil {
		return err
	}
	return profile.save(filepath.Join(dir, "profile.png"))
}

// figure is a plot with its legend and notes, which are drawn in a panel
// to the right of the axes so they never cover data.
type figure struct {
	p      *plot.Plot
	legend plot.Legend
	notes  []string
}

func newFigure(title, xlabel, ylabel string) *figure {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = xlabel
	p.Y.Label.Text = ylabel
	p.X.Tick.Marker = plot.TickerFunc(niceTicks)
	p.Y.Tick.Marker = plot.TickerFunc(niceTicks)
	p.Add(plotter.NewGrid())
	leg := plot.NewLegend()
	leg.Top, leg.Left = true, true
	leg.ThumbnailWidth = vg.Points(28)
	return &figure{p: p, legend: leg}
}

// lineStyle draws student i distinctly even where lines coincide: a
// colour, a dash pattern, a marker shape at every point and a width that
// shrinks with i, so a later line lies visibly inside an earlier one.
func lineStyle(i int, l *plotter.Line, s *plotter.Scatter) {
	c := plotutil.Color(i)
	l.Color = c
	l.Width = vg.Points(math.Max(1, 3.2-0.5*float64(i)))
	l.Dashes = plotutil.Dashes(i)
	if s != nil {
		s.Color = c
		s.Shape = plotutil.Shape(i)
		s.Radius = vg.Points(3)
	}
}

// curvePlot draws one line per student of a per-evaluation quantity, the
// mean across seeds, with a percentile bootstrap band of that mean when
// band is set.
func (r *Results) curvePlot(env, ylabel string, get func(match.CurvePoint) float64, band bool) (*figure, error) {
	what := "learning curve"
	if !band {
		what = "network size"
	}
	f := newFigure(env+": "+what, "environment steps", ylabel)
	opts := r.bootstrap()
	seeds := 0
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
			seeds = max(seeds, len(vals))
			line[k] = plotter.XY{X: float64(st), Y: stats.Mean(vals)}
			lo[k], hi[k] = line[k], line[k]
			if band {
				if iv, err := opts.Estimate([][]float64{vals}, stats.Pooled(stats.Mean)); err == nil {
					lo[k].Y, hi[k].Y = iv.Lo, iv.Hi
				}
			}
		}
		if band {
			if err := f.addBand(i, lo, hi); err != nil {
				return nil, err
			}
		}
		if err := f.addLine(i, s.Name, line); err != nil {
			return nil, err
		}
	}
	f.notes = append(f.notes, fmt.Sprintf("Line: mean over %d seeds at each evaluation.", seeds))
	if band {
		f.notes = append(f.notes, fmt.Sprintf("Band: %.0f%% percentile bootstrap CI of that mean (%d resamples).",
			100*(1-opts.Alpha), opts.Reps))
	}
	return f, nil
}

// addBand shades the region between lo and hi in student i's colour.
func (f *figure) addBand(i int, lo, hi plotter.XYs) error {
	// The polygon runs along the lower bound and back along the upper.
	poly := append(plotter.XYs{}, lo...)
	for k := len(hi) - 1; k >= 0; k-- {
		poly = append(poly, hi[k])
	}
	pg, err := plotter.NewPolygon(poly)
	if err != nil {
		return err
	}
	rr, gg, bb, _ := plotutil.Color(i).RGBA()
	pg.Color = color.NRGBA{R: uint8(rr >> 8), G: uint8(gg >> 8), B: uint8(bb >> 8), A: 40}
	pg.LineStyle.Width = 0
	f.p.Add(pg)
	return nil
}

// addLine draws student i's line with markers and enters it in the legend.
func (f *figure) addLine(i int, name string, xys plotter.XYs) error {
	l, s, err := plotter.NewLinePoints(xys)
	if err != nil {
		return err
	}
	lineStyle(i, l, s)
	f.p.Add(l, s)
	f.legend.Add(name, l, s)
	return nil
}

// scorePlot draws each student's IQM of normalised scores across all
// environments with its CI.
func (r *Results) scorePlot() (*figure, error) {
	f := newFigure(r.Match.Name+": final normalised score", "", "IQM of normalised score")
	var names []string
	for i, row := range r.Aggregate {
		names = append(names, row.Student)
		v := float64(row.IQMNormalized)
		if math.IsNaN(v) {
			continue
		}
		pt := plotter.XYs{{X: float64(i), Y: v}}
		sc, err := plotter.NewScatter(pt)
		if err != nil {
			return nil, err
		}
		sc.Color, sc.Shape, sc.Radius = plotutil.Color(i), plotutil.Shape(i), vg.Points(4)
		eb, err := plotter.NewYErrorBars(struct {
			plotter.XYs
			plotter.YErrors
		}{pt, plotter.YErrors{{Low: v - float64(row.CILow), High: float64(row.CIHigh) - v}}})
		if err != nil {
			return nil, err
		}
		eb.Color = plotutil.Color(i)
		eb.Width = vg.Points(1.5)
		f.p.Add(sc, eb)
	}
	f.p.NominalX(names...)
	one := plotter.NewFunction(func(float64) float64 { return 1 })
	one.Dashes = []vg.Length{vg.Points(4), vg.Points(4)}
	f.p.Add(one)
	f.legend.Add("teacher (1)", one)
	// A function has no data range: without this the teacher's line is
	// drawn outside the axis whenever every student is below it.
	if f.p.Y.Max < 1.01 {
		f.p.Y.Max = 1.01
	}
	f.p.X.Min, f.p.X.Max = -0.5, float64(len(names))-0.5 // room for the end bars
	opts := r.bootstrap()
	f.notes = append(f.notes,
		"Point: interquartile mean of every run's normalised score, all environments pooled.",
		fmt.Sprintf("Bar: %.0f%% percentile stratified bootstrap CI (%d resamples).", 100*(1-opts.Alpha), opts.Reps),
		"0 is the random policy, 1 the teacher.")
	return f, nil
}

// profilePlot draws each student's performance profile with its band.
func (r *Results) profilePlot() (*figure, error) {
	f := newFigure(r.Match.Name+": performance profile", "normalised score τ", "fraction of runs with score > τ")
	for i, s := range r.Match.Students {
		for _, p := range r.Profiles {
			if p.Student != s.Name {
				continue
			}
			line := make(plotter.XYs, len(p.Tau))
			lo := make(plotter.XYs, len(p.Tau))
			hi := make(plotter.XYs, len(p.Tau))
			for k, tau := range p.Tau {
				line[k] = plotter.XY{X: tau, Y: p.Fraction[k].Point}
				lo[k] = plotter.XY{X: tau, Y: p.Fraction[k].Lo}
				hi[k] = plotter.XY{X: tau, Y: p.Fraction[k].Hi}
			}
			if err := f.addBand(i, lo, hi); err != nil {
				return nil, err
			}
			l, err := plotter.NewLine(line)
			if err != nil {
				return nil, err
			}
			lineStyle(i, l, nil)
			f.p.Add(l)
			f.legend.Add(s.Name, l)
		}
	}
	f.p.Y.Min, f.p.Y.Max = 0, 1.02
	opts := r.bootstrap()
	f.notes = append(f.notes,
		"Line: share of all runs (every environment pooled) scoring above τ; 0 is the random policy, 1 the teacher.",
		fmt.Sprintf("Band: %.0f%% percentile stratified bootstrap CI (%d resamples).", 100*(1-opts.Alpha), opts.Reps),
		"A curve above another is better at every threshold.")
	return f, nil
}

// bootstrap is the bootstrap the report was built with.
func (r *Results) bootstrap() stats.Options {
	o := r.Bootstrap
	if o.Reps == 0 {
		o = Settings{}.options()
	}
	return o
}

// Figure geometry: the axes take the left part, the legend and notes the
// right panel.
const (
	figWidth  = 9 * vg.Inch
	figHeight = 5 * vg.Inch
	panel     = 2.4 * vg.Inch
)

// save draws the figure into a PNG at path, atomically.
func (f *figure) save(path string) (err error) {
	// gonum/plot panics on data it cannot draw; a report still gets its
	// tables and the other plots.
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("plot %s: %v", filepath.Base(path), r)
		}
	}()
	c := vgimg.New(figWidth, figHeight)
	dc := draw.New(c)
	dc.SetColor(color.White)
	dc.Fill(dc.Rectangle.Path())
	f.p.Draw(draw.Crop(dc, 0, -panel, 0, 0))
	side := draw.Crop(dc, figWidth-panel+vg.Points(8), -vg.Points(4), 0, -vg.Points(24))
	f.legend.Draw(side)
	// The notes start below the legend's entries, wrapped to the panel.
	sty := f.legend.TextStyle
	sty.Font.Size = vg.Points(9)
	lineH := sty.Rectangle("Ag").Size().Y * 1.15
	y := side.Max.Y - vg.Length(f.legendLen())*(legendEntryHeight(f.legend)+f.legend.Padding) - lineH
	for _, note := range f.notes {
		for _, line := range wrap(note, sty, side.Size().X-vg.Points(12)) {
			y -= lineH
			dc.FillText(sty, vg.Point{X: side.Min.X, Y: y}, line)
		}
		y -= lineH / 3
	}
	var buf bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: c}).WriteTo(&buf); err != nil {
		return fmt.Errorf("plot %s: %w", filepath.Base(path), err)
	}
	return match.WriteFileAtomic(path, buf.Bytes())
}

// savePlot saves a plot made with gonum's own legend, moving the legend
// into the side panel.
func savePlot(p *plot.Plot, path string) error {
	f := &figure{p: p, legend: p.Legend}
	leg := plot.NewLegend()
	p.Legend = leg
	f.legend.Top, f.legend.Left = true, true
	return f.save(path)
}

// legendLen counts the legend's entries.
func (f *figure) legendLen() int {
	// plot.Legend keeps its entries private; its drawn height tells.
	h := f.legend.Rectangle(draw.Canvas{Rectangle: vg.Rectangle{Max: vg.Point{X: panel, Y: figHeight}}}).Size().Y
	e := legendEntryHeight(f.legend) + f.legend.Padding
	if e <= 0 {
		return 0
	}
	return int(math.Round(float64(h / e)))
}

// legendEntryHeight is the height of one legend entry.
func legendEntryHeight(l plot.Legend) vg.Length {
	return l.TextStyle.Rectangle("M").Size().Y
}

// wrap splits s into lines no wider than w in style sty.
func wrap(s string, sty draw.TextStyle, w vg.Length) []string {
	var lines []string
	cur := ""
	for _, word := range strings.Fields(s) {
		try := word
		if cur != "" {
			try = cur + " " + word
		}
		if cur != "" && sty.Width(try) > w {
			lines = append(lines, cur)
			cur = word
			continue
		}
		cur = try
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	return lines
}

// niceTicks marks about six round values (steps of 1, 2, 2.5 or 5 times a
// power of ten) with labels like 25k, and minor ticks between them.
func niceTicks(lo, hi float64) []plot.Tick {
	if !(hi > lo) {
		return []plot.Tick{{Value: lo, Label: tickLabel(lo, 1)}}
	}
	raw := (hi - lo) / 6
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := 10 * mag
	for _, m := range []float64{1, 2, 2.5, 5} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	minor := step / 5
	if step/mag == 2.5 {
		minor = step / 5
	}
	var ticks []plot.Tick
	for k := math.Ceil(lo / minor); k*minor <= hi+minor*1e-9; k++ {
		v := k * minor
		t := plot.Tick{Value: v}
		if m := math.Round(v / step); math.Abs(v/step-m) < 1e-9 {
			t.Value = m * step
			t.Label = tickLabel(t.Value, step)
		}
		ticks = append(ticks, t)
	}
	return ticks
}

// tickLabel writes v compactly: 25k, 1.5M, 0.25, -300.
func tickLabel(v, step float64) string {
	if v == 0 {
		return "0"
	}
	a := math.Abs(step)
	switch {
	case math.Abs(v) >= 1e6 && a >= 1e5:
		return strconv.FormatFloat(v/1e6, 'f', -1, 64) + "M"
	case math.Abs(v) >= 1e4 && a >= 1e3:
		return strconv.FormatFloat(v/1e3, 'f', -1, 64) + "k"
	}
	decimals := max(0, int(math.Ceil(-math.Log10(a)+1e-9)))
	if a*math.Pow(10, float64(decimals)) != math.Round(a*math.Pow(10, float64(decimals))) {
		decimals++ // steps like 2.5 and 0.25
	}
	return strconv.FormatFloat(v, 'f', decimals, 64)
}

// logTicks labels 1, 2 and 5 times each power of ten in range, with
// unlabelled minor ticks at the other integers times it.
func logTicks(lo, hi float64) []plot.Tick {
	if lo <= 0 {
		lo = math.SmallestNonzeroFloat64
	}
	var ticks []plot.Tick
	for e := math.Floor(math.Log10(lo)); e <= math.Ceil(math.Log10(hi)); e++ {
		p := math.Pow(10, e)
		for m := 1.0; m < 10; m++ {
			v := m * p
			if v < lo*(1-1e-9) || v > hi*(1+1e-9) {
				continue
			}
			t := plot.Tick{Value: v}
			if m == 1 || m == 2 || m == 5 {
				t.Label = tickLabel(v, p)
			}
			ticks = append(ticks, t)
		}
	}
	return ticks
}
