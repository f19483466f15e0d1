package distill

import (
	"context"
	"strings"
	"testing"

	"github.com/smgrnn/arena/framework"
)

// panickyStudent panics in Act once it has trained: its next actions are
// the collection's, which an in-process student computes on a goroutine
// of its own while the teacher labels.
type panickyStudent struct {
	*linearStudent
	armed bool
}

func (s *panickyStudent) Act(obs []float64, n int, actions []float64) error {
	if s.armed {
		panic("index out of range in the student")
	}
	return s.linearStudent.Act(obs, n, actions)
}

// A panic in a component fails the run with an error, whichever of the
// protocol's goroutines called it: a student acting while the teacher
// labels, and a vector made in the background.
func TestPanicsFailTheRun(t *testing.T) {
	cfg := smallConfig()
	cfg.EvalEvery = cfg.EnvSteps // no evaluation between the first training and the next collection
	run, _, s := lineRun(cfg, 4)
	p := &panickyStudent{linearStudent: s}
	s.onTrain = func() { p.armed = true }
	run.Student = p
	// The match runs Execute itself through Recovered.
	err := framework.Recovered(func() error {
		_, err := run.Execute(context.Background())
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "panic: index out of range in the student") {
		t.Fatalf("a student that panics while acting: %v", err)
	}

	pre := Prefetch(func(int) (framework.VectorEnv, error) { panic("no such body") }, cfg)
	defer pre.Close()
	if _, err := pre.Spec(); err == nil || !strings.Contains(err.Error(), "panic: no such body") {
		t.Fatalf("a vector maker that panics: %v", err)
	}
}
