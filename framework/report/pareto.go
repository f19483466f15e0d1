package report

import (
	"image/color"
	"math"
	"path/filepath"
	"sort"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/smgrnn/arena/framework/match"
	"github.com/smgrnn/arena/framework/stats"
)

// referenceKind is the student kind drawn as a reference point on the
// score-versus-size plots: the dense MLP baselines.
const referenceKind = "mlp"

// SizePoint is one student on one environment: its mean final parameter
// count across seeds and the IQM of its normalised scores with a 95%
// stratified-bootstrap CI.
type SizePoint struct {
	Student   string
	Params    float64
	Score     float64
	Lo, Hi    float64
	Reference bool // a dense MLP baseline
}

// SizePoints returns every student's SizePoint on env, in match order,
// leaving out students without a successful run there.
func (r *Results) SizePoints(env string) []SizePoint {
	opts := stats.Options{Seed: BootstrapSeed}
	var out []SizePoint
	for _, s := range r.Match.Students {
		var params, norm []float64
		for _, run := range r.Runs {
			if run.Env != env || run.Student != s.Name || run.Status != match.StatusOK {
				continue
			}
			params = append(params, float64(run.Size.Params))
			if v := float64(run.Normalized); !math.IsNaN(v) {
				norm = append(norm, v)
			}
		}
		if len(norm) == 0 {
			continue
		}
		p := SizePoint{Student: s.Name, Params: stats.Mean(params), Score: stats.IQM(norm), Lo: math.NaN(), Hi: math.NaN(), Reference: s.Kind == referenceKind}
		if iv, err := opts.Estimate([][]float64{norm}, stats.PooledIQM); err == nil {
			p.Score, p.Lo, p.Hi = iv.Point, iv.Lo, iv.Hi
		}
		out = append(out, p)
	}
	return out
}

// ParetoFront returns the indices of the points no other point dominates
// (at most as many parameters and at least the score, one of them
// strictly), in increasing parameter count: the best score available at
// each size.
func ParetoFront(pts []SizePoint) []int {
	idx := make([]int, len(pts))
	for i := range idx {
		idx[i] = i
	}
	// Fewer parameters first; at equal size the better score first, so it
	// is the one that enters the front.
	sort.SliceStable(idx, func(a, b int) bool {
		pa, pb := pts[idx[a]], pts[idx[b]]
		if pa.Params != pb.Params {
			return pa.Params < pb.Params
		}
		return pa.Score > pb.Score
	})
	var front []int
	best := math.Inf(-1)
	for _, i := range idx {
		if pts[i].Score > best {
			front = append(front, i)
			best = pts[i].Score
		}
	}
	return front
}

// studentGlyphs mark the students that are not references; none is a
// square, which marks the references.
var studentGlyphs = []draw.GlyphDrawer{
	draw.RingGlyph{}, draw.TriangleGlyph{}, draw.CrossGlyph{}, draw.PlusGlyph{},
	draw.PyramidGlyph{}, draw.CircleGlyph{},
}

// writeParetoPlots writes pareto-<env>.png for every environment into dir.
func (r *Results) writeParetoPlots(dir string) error {
	for _, e := range r.Match.Envs {
		p, err := r.paretoPlot(e.ID)
		if err != nil {
			return err
		}
		if err := savePlot(p, filepath.Join(dir, "pareto-"+match.SafeName(e.ID)+".png")); err != nil {
			return err
		}
	}
	return nil
}

// paretoPlot places each student on env at its mean parameter count (log
// scale) and its IQM normalised score with the 95% CI, dense MLPs as
// squares, and joins the Pareto front with a dashed line. Students at a
// matched size sit on top of each other, so names are in the legend (at
// the bottom right, where large and poor students would be) rather than
// beside the points.
func (r *Results) paretoPlot(env string) (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = env + ": score against size"
	p.X.Label.Text = "parameters (mean over seeds, log scale)"
	p.Y.Label.Text = "normalised score (IQM, 95% CI)"
	pts := r.SizePoints(env)
	if len(pts) == 0 {
		return p, nil // a log axis needs data
	}
	p.X.Scale = plot.LogScale{}
	p.X.Tick.Marker = plot.TickerFunc(logTicks)
	if front := ParetoFront(pts); len(front) > 1 {
		xy := make(plotter.XYs, len(front))
		for k, i := range front {
			xy[k] = plotter.XY{X: pts[i].Params, Y: pts[i].Score}
		}
		l, err := plotter.NewLine(xy)
		if err != nil {
			return nil, err
		}
		l.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
		l.Color = color.Gray{Y: 110}
		p.Add(l)
		p.Legend.Add("Pareto front", l)
	}
	for i, pt := range pts {
		xy := plotter.XYs{{X: pt.Params, Y: pt.Score}}
		sc, err := plotter.NewScatter(xy)
		if err != nil {
			return nil, err
		}
		sc.Color = plotutil.Color(i + 1)
		sc.Radius = vg.Points(4)
		sc.Shape = studentGlyphs[i%len(studentGlyphs)]
		if pt.Reference {
			sc.Shape = draw.BoxGlyph{}
		}
		p.Add(sc)
		p.Legend.Add(pt.Student, sc)
		if !math.IsNaN(pt.Lo) {
			eb, err := plotter.NewYErrorBars(struct {
				plotter.XYs
				plotter.YErrors
			}{xy, plotter.YErrors{{Low: pt.Score - pt.Lo, High: pt.Hi - pt.Score}}})
			if err != nil {
				return nil, err
			}
			eb.Color = sc.Color
			p.Add(eb)
		}
	}
	// Room around the points: a log axis from just below the smallest to
	// just above the largest, and a score axis at least 0.1 tall (all
	// students at 1.0 would otherwise get an axis from 0 to 2).
	p.X.Min, p.X.Max = p.X.Min/1.3, p.X.Max*1.3
	if mid := (p.Y.Min + p.Y.Max) / 2; p.Y.Max-p.Y.Min < 0.1 {
		p.Y.Min, p.Y.Max = mid-0.05, mid+0.05
	}
	return p, nil
}
