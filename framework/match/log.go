package match

import (
	"bytes"
	"encoding/csv"
	"maps"
	"slices"
	"strconv"

	"github.com/smgrnn/arena/framework"
	"github.com/smgrnn/arena/framework/distill"
)

// roundLog gathers what a run's record leaves out, for runs/<id>.csv: the
// student's size and structural edits after every round.
type roundLog struct {
	sizes  []framework.Size
	events []map[string]int
}

// observe records the student's state after a round; call it from the
// run's Progress callback, when the student is idle.
func (l *roundLog) observe(student framework.Student) {
	l.sizes = append(l.sizes, student.Size())
	var ev map[string]int
	if s, ok := student.(framework.Structural); ok {
		ev = maps.Clone(s.StructureEvents())
	}
	l.events = append(l.events, ev)
}

// logHeader is runs/<id>.csv's fixed columns; the structural events'
// kinds follow, then the evaluation's.
var logHeader = []string{"kind", "round", "env_steps", "beta", "teacher_fraction", "loss", "buffer_size",
	"params", "hidden_neurons", "edges"}

// csv writes one row per round (kind "round": its β, teacher share, mean
// loss, buffer size, then the student's size and cumulative structural
// edits by kind) and one per evaluation (kind "eval": the size and the
// return), in order of environment steps. A value a row does not have is
// empty.
func (l *roundLog) csv(res *distill.Result, norm func(float64) Num) []byte {
	kinds := slices.Sorted(maps.Keys(res.Events))
	header := append(slices.Clone(logHeader), kinds...)
	header = append(header, "return_mean", "return_std", "normalized")
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write(header)
	f := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	blank := func(n int) []string { return make([]string, n) }
	row := func(kind string, round string, steps int, mid []string, size framework.Size, ev []string, tail []string) {
		r := []string{kind, round, strconv.Itoa(steps)}
		r = append(r, mid...)
		r = append(r, strconv.Itoa(size.Params), strconv.Itoa(size.Hidden), strconv.Itoa(size.Edges))
		r = append(r, ev...)
		w.Write(append(r, tail...))
	}
	c := 0
	evalRows := func(upTo int) {
		for ; c < len(res.Curve) && res.Curve[c].EnvSteps <= upTo; c++ {
			p := res.Curve[c]
			row("eval", "", p.EnvSteps, blank(4), p.Size, blank(len(kinds)),
				[]string{f(p.ReturnMean), f(p.ReturnStd), f(float64(norm(p.ReturnMean)))})
		}
	}
	for i, rd := range res.Rounds {
		// An evaluation follows the training before it: the round that
		// ends at a step comes before the evaluation at that step.
		evalRows(rd.EnvSteps - 1)
		var size framework.Size
		var ev map[string]int
		if i < len(l.sizes) {
			size, ev = l.sizes[i], l.events[i]
		}
		counts := make([]string, len(kinds))
		for k, kind := range kinds {
			if ev != nil {
				counts[k] = strconv.Itoa(ev[kind])
			}
		}
		row("round", strconv.Itoa(rd.Index), rd.EnvSteps,
			[]string{f(rd.Beta), f(rd.TeacherFraction), f(rd.Loss), strconv.Itoa(rd.BufferSize)},
			size, counts, blank(3))
	}
	evalRows(int(^uint(0) >> 1))
	w.Flush()
	return b.Bytes()
}
