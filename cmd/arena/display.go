package main

import (
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
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

// fmtEval says what the return beside a run's progress is: the latest
// evaluation's, and at which step ("eval@30k -81.3"); "no eval yet" before
// the first.
func fmtEval(p match.Progress) string {
	if math.IsNaN(p.ReturnMean) || p.EvalSteps < 0 {
		return "no eval yet"
	}
	return fmt.Sprintf("eval@%s %.1f", kSteps(p.EvalSteps), p.ReturnMean)
}

// kSteps writes a step count compactly: 950, 30k, 1.5M.
func kSteps(n int) string {
	switch {
	case n >= 1_000_000:
		return strconv.FormatFloat(float64(n)/1e6, 'f', -1, 64) + "M"
	case n >= 1000:
		return strconv.FormatFloat(math.Round(float64(n)/100)/10, 'f', -1, 64) + "k"
	}
	return strconv.Itoa(n)
}

// fmtFinished is a finished run's line, short enough for 80 columns with
// the usual names: label, final return, normalised score, size, time.
func fmtFinished(s match.RunSpec, rec *match.RunRecord) string {
	if rec.Status != match.StatusOK {
		return fmt.Sprintf("FAILED %s: %s", runLabel(s), rec.Error)
	}
	return fmt.Sprintf("%s  %.1f±%.1f  norm %.3f  %dp %.0fs", runLabel(s), float64(rec.FinalReturnMean),
		float64(rec.FinalReturnStd), float64(rec.Normalized), rec.Params, rec.WallSeconds)
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
	fmt.Fprintf(d.w, "  %s  %s/%s steps  %s  %dp\n",
		runLabel(s), kSteps(p.EnvSteps), kSteps(p.Budget), fmtEval(p), p.Size.Params)
}

func (d *logDisplay) Finished(s match.RunSpec, rec *match.RunRecord) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.done++
	delete(d.last, s.ID)
	elapsed := time.Since(d.start)
	fmt.Fprintf(d.w, "[%d/%d %s] %s\n", d.done, d.total, elapsed.Round(time.Second), fmtFinished(s, rec))
}

func (d *logDisplay) Close() {}

// Widths of the bar display, chosen so a run's line fits 80 columns:
// label 34, steps 13, bar 12, return and size 21.
const (
	labelWidth = 34
	barWidth   = 12
)

// barLabel is a run's label cut to n runes: the env ID gives way first,
// since the student and the seed tell runs of one env apart.
func barLabel(s match.RunSpec, n int) string {
	full := runLabel(s)
	if len([]rune(full)) <= n {
		return full
	}
	rest := fmt.Sprintf(" %s s%d", s.Student.Name, s.Seed)
	env := []rune(s.Env.ID)
	keep := n - len([]rune(rest)) - 1
	if keep < 4 {
		r := []rune(full)
		return string(r[:n-1]) + "…"
	}
	return string(env[:min(keep, len(env))]) + "…" + rest
}

// barDisplay draws one bar per active run and one for the whole match.
// d.mu guards the maps only: mpb's calls wait for its render goroutine,
// which calls the decorators, so none is made under d.mu and the
// decorators read the status without it.
type barDisplay struct {
	mu     sync.Mutex
	p      *mpb.Progress
	total  *mpb.Bar
	bars   map[string]*mpb.Bar
	status map[string]*atomic.Pointer[string]
	budget int
}

func newBarDisplay(w io.Writer, total, skipped, budget int) *barDisplay {
	// Each line must fit the terminal: mpb cuts what does not, from the
	// right, where the return is.
	p := mpb.New(mpb.WithOutput(w), mpb.WithWidth(barWidth), mpb.WithRefreshRate(200*time.Millisecond))
	bar := p.AddBar(int64(total),
		mpb.BarPriority(math.MaxInt),
		mpb.PrependDecorators(decor.Name("match", decor.WC{W: labelWidth, C: decor.DindentRight}), decor.CountersNoUnit("%d/%d runs ")),
		mpb.AppendDecorators(decor.Percentage(), decor.Name(" ETA "), decor.AverageETA(decor.ET_STYLE_GO)))
	bar.SetCurrent(int64(skipped))
	bar.DecoratorAverageAdjust(time.Now())
	return &barDisplay{p: p, total: bar, bars: map[string]*mpb.Bar{}, status: map[string]*atomic.Pointer[string]{}, budget: budget}
}

func (d *barDisplay) Started(s match.RunSpec) {
	st := new(atomic.Pointer[string])
	none := "no eval yet"
	st.Store(&none)
	b := d.p.AddBar(int64(d.budget),
		mpb.BarRemoveOnComplete(),
		mpb.PrependDecorators(decor.Name(barLabel(s, labelWidth), decor.WC{W: labelWidth, C: decor.DindentRight})),
		mpb.AppendDecorators(decor.Any(func(st decor.Statistics) string {
			return fmt.Sprintf(" %s/%s ", kSteps(int(st.Current)), kSteps(int(st.Total)))
		}), decor.Any(func(decor.Statistics) string { return *st.Load() })))
	d.mu.Lock()
	d.status[s.ID] = st
	d.bars[s.ID] = b
	d.mu.Unlock()
}

func (d *barDisplay) Progress(s match.RunSpec, p match.Progress) {
	d.mu.Lock()
	b, st := d.bars[s.ID], d.status[s.ID]
	d.mu.Unlock()
	if b != nil {
		msg := fmt.Sprintf("%s %dp", fmtEval(p), p.Size.Params)
		st.Store(&msg)
		b.SetCurrent(int64(p.EnvSteps))
	}
}

func (d *barDisplay) Finished(s match.RunSpec, rec *match.RunRecord) {
	d.mu.Lock()
	b := d.bars[s.ID]
	delete(d.bars, s.ID)
	delete(d.status, s.ID)
	d.mu.Unlock()
	if b != nil {
		b.SetTotal(-1, true)
	}
	d.total.Increment()
	// Finished runs scroll above the live bars and stay on screen.
	fmt.Fprintf(d.p, "%s\n", fmtFinished(s, rec))
}

func (d *barDisplay) Close() {
	d.mu.Lock()
	bars := make([]*mpb.Bar, 0, len(d.bars))
	for _, b := range d.bars {
		bars = append(bars, b)
	}
	d.mu.Unlock()
	for _, b := range bars {
		b.Abort(true)
	}
	d.total.Abort(false)
	d.p.Wait()
}
