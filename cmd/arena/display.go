package main

import (
	"fmt"
	"io"
	"math"
	"os"
	"sync"
	"time"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"
	"golang.org/x/term"

	"github.com/smgrnn/arena/framework/match"
)

// newDisplay returns the live display of a running match: progress bars
// when w is a terminal, plain log lines otherwise (CI, pipes, files).
func newDisplay(w io.Writer, total, skipped, budget int) matchDisplay {
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		return newBarDisplay(w, total, skipped, budget)
	}
	return &logDisplay{w: w, total: total, done: skipped, start: time.Now(), last: map[string]time.Time{}}
}

// matchDisplay is match.Events plus a Close that waits for the last frame.
type matchDisplay interface {
	match.Events
	Close()
}

func runLabel(s match.RunSpec) string {
	return fmt.Sprintf("%s %s s%d", s.Env.ID, s.Student.Name, s.Seed)
}

func fmtReturn(r float64) string {
	if math.IsNaN(r) {
		return "-"
	}
	return fmt.Sprintf("%.1f", r)
}

// logDisplay prints one line per finished run and, at most every 30 s per
// run, one line of progress.
type logDisplay struct {
	mu    sync.Mutex
	w     io.Writer
	total int
	done  int
	start time.Time
	last  map[string]time.Time
}

func (d *logDisplay) Started(s match.RunSpec) {}

func (d *logDisplay) Progress(s match.RunSpec, p match.Progress) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if time.Since(d.last[s.ID]) < 30*time.Second {
		return
	}
	d.last[s.ID] = time.Now()
	fmt.Fprintf(d.w, "  %-40s %7d/%d steps  return %8s  params %d  hidden %d\n",
		runLabel(s), p.EnvSteps, p.Budget, fmtReturn(p.ReturnMean), p.Size.Params, p.Size.Hidden)
}

func (d *logDisplay) Finished(s match.RunSpec, rec *match.RunRecord) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.done++
	delete(d.last, s.ID)
	elapsed := time.Since(d.start)
	if rec.Status != match.StatusOK {
		fmt.Fprintf(d.w, "[%d/%d] FAILED %s: %s\n", d.done, d.total, runLabel(s), rec.Error)
		return
	}
	fmt.Fprintf(d.w, "[%d/%d] %-40s return %8.1f ± %-6.1f normalised %.3f  params %d  %.1fs  (elapsed %s)\n",
		d.done, d.total, runLabel(s), rec.FinalReturnMean, rec.FinalReturnStd, rec.Normalized, rec.Params,
		rec.WallSeconds, elapsed.Round(time.Second))
}

func (d *logDisplay) Close() {}

// barDisplay draws one bar per active run and one for the whole match.
type barDisplay struct {
	mu     sync.Mutex
	p      *mpb.Progress
	total  *mpb.Bar
	bars   map[string]*mpb.Bar
	status map[string]*string
	budget int
}

func newBarDisplay(w io.Writer, total, skipped, budget int) *barDisplay {
	p := mpb.New(mpb.WithOutput(w), mpb.WithWidth(100), mpb.WithRefreshRate(200*time.Millisecond))
	bar := p.AddBar(int64(total),
		mpb.BarPriority(math.MaxInt),
		mpb.PrependDecorators(decor.Name("match ", decor.WC{W: 8}), decor.CountersNoUnit("%d/%d runs")),
		mpb.AppendDecorators(decor.Percentage(), decor.Name("  ETA "), decor.AverageETA(decor.ET_STYLE_GO)))
	bar.SetCurrent(int64(skipped))
	bar.DecoratorAverageAdjust(time.Now())
	return &barDisplay{p: p, total: bar, bars: map[string]*mpb.Bar{}, status: map[string]*string{}, budget: budget}
}

func (d *barDisplay) Started(s match.RunSpec) {
	d.mu.Lock()
	defer d.mu.Unlock()
	st := new(string)
	d.status[s.ID] = st
	d.bars[s.ID] = d.p.AddBar(int64(d.budget),
		mpb.BarRemoveOnComplete(),
		mpb.PrependDecorators(decor.Name(runLabel(s), decor.WC{W: 42, C: decor.DindentRight})),
		mpb.AppendDecorators(decor.CountersNoUnit("%d/%d steps "), decor.Any(func(decor.Statistics) string {
			d.mu.Lock()
			defer d.mu.Unlock()
			return *st
		})))
}

func (d *barDisplay) Progress(s match.RunSpec, p match.Progress) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if b := d.bars[s.ID]; b != nil {
		b.SetCurrent(int64(p.EnvSteps))
		*d.status[s.ID] = fmt.Sprintf(" return %s  params %d  hidden %d", fmtReturn(p.ReturnMean), p.Size.Params, p.Size.Hidden)
	}
}

func (d *barDisplay) Finished(s match.RunSpec, rec *match.RunRecord) {
	d.mu.Lock()
	b := d.bars[s.ID]
	delete(d.bars, s.ID)
	d.mu.Unlock()
	if b != nil {
		b.SetTotal(-1, true)
	}
	d.total.Increment()
	if rec.Status != match.StatusOK {
		fmt.Fprintf(d.p, "FAILED %s: %s\n", runLabel(s), rec.Error)
	}
}

func (d *barDisplay) Close() {
	d.mu.Lock()
	for _, b := range d.bars {
		b.Abort(true)
	}
	d.mu.Unlock()
	d.total.Abort(false)
	d.p.Wait()
}
