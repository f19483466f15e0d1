package distill

import (
	"time"

	"github.com/smgrnn/arena/framework"
)

// acter has the student act on a vector step's states while the teacher
// labels them: start, then the teacher's Label, then finish. Neither call
// sees the other's output, so the actions are those of calling Act after
// Label; through plugins a step waits for the slower of the two rather
// than for both in turn.
type acter interface {
	// start begins the student's actions on n observations, to be written
	// to actions by finish.
	start(obs []float64, n int, actions []float64) error
	// finish waits for the actions start asked for.
	finish() error
	// act has the student act at once, for a step with nothing to do
	// meanwhile.
	act(obs []float64, n int, actions []float64) error
	// close ends the acter.
	close()
}

// newActer returns a splitActer for a framework.ActStarter (a plugin's
// student), else a goroutineActer. Both add the student's time to
// timing.StudentAct.
func newActer(s framework.Student, timing *Timing) acter {
	if st, ok := s.(framework.ActStarter); ok {
		return &splitActer{s: st, timing: timing}
	}
	a := &goroutineActer{s: s, timing: timing, req: make(chan struct{}), done: make(chan error, 1)}
	go a.run()
	return a
}

// splitActer sends the states and reads the actions in two calls on the
// protocol's goroutine: handing the call to another goroutine cost about
// as much as the round trip it hid (go test -bench CollectStep
// ./plugins/host).
type splitActer struct {
	s       framework.ActStarter
	timing  *Timing
	actions []float64
}

func (a *splitActer) start(obs []float64, n int, actions []float64) error {
	a.actions = actions
	t := time.Now()
	err := a.s.StartAct(obs, n)
	a.timing.StudentAct += time.Since(t)
	return err
}

func (a *splitActer) finish() error {
	t := time.Now()
	err := a.s.FinishAct(a.actions)
	a.timing.StudentAct += time.Since(t)
	return err
}

func (a *splitActer) act(obs []float64, n int, actions []float64) error {
	if err := a.start(obs, n, actions); err != nil {
		return err
	}
	return a.finish()
}

func (a *splitActer) close() {}

// goroutineActer calls the student's Act on a goroutine of its own, one
// request at a time.
type goroutineActer struct {
	s       framework.Student
	timing  *Timing
	obs     []float64
	n       int
	actions []float64
	req     chan struct{}
	done    chan error
}

func (a *goroutineActer) start(obs []float64, n int, actions []float64) error {
	a.obs, a.n, a.actions = obs, n, actions
	a.req <- struct{}{}
	return nil
}

func (a *goroutineActer) finish() error { return <-a.done }

// act calls Act on the caller's goroutine: with no label to wait for,
// handing the call over would only add two goroutine switches.
func (a *goroutineActer) act(obs []float64, n int, actions []float64) error {
	t := time.Now()
	err := framework.Recovered(func() error { return a.s.Act(obs, n, actions) })
	a.timing.StudentAct += time.Since(t)
	return err
}

func (a *goroutineActer) close() { close(a.req) }

func (a *goroutineActer) run() {
	for range a.req {
		t := time.Now()
		err := framework.Recovered(func() error { return a.s.Act(a.obs, a.n, a.actions) })
		a.timing.StudentAct += time.Since(t)
		a.done <- err
	}
}
