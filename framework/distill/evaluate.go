package distill

import (
	"bytes"
	"fmt"
	"io"
	"time"

	"github.com/smgrnn/arena/framework"
	"github.com/smgrnn/arena/framework/rollout"
)

// evaluator plays the learning curve's evaluations: inline, or in the
// background on a copy of the student (Run.StudentCopy). Either way a
// point's numbers are those of the student when measure was called.
type evaluator interface {
	// measure evaluates the student as it is now for point p (steps,
	// updates and size set); the point reaches the curve through the
	// evaluator's add, now or by the next wait.
	measure(p Point) error
	// resume lets an evaluation that measure held back begin.
	resume()
	// wait waits for the evaluation in flight, if any, and adds its point.
	wait() error
	// close releases what the evaluator made.
	close() error
}

// newEvaluator returns the evaluator run asks for, playing on venv and
// adding its time to timing.Eval and its points through add.
func newEvaluator(run Run, venv framework.VectorEnv, timing *Timing, add func(Point)) evaluator {
	e := evalOn{venv: venv, episodes: run.Config.EvalEpisodes, seed: run.Config.FirstEvalSeed(), timing: timing, add: add}
	if run.StudentCopy == nil {
		return &inlineEvaluator{evalOn: e, student: run.Student}
	}
	return &copyEvaluator{evalOn: e, student: run.Student, makeCopy: run.StudentCopy}
}

// evalOn is what both evaluators share: where and how they play.
type evalOn struct {
	venv     framework.VectorEnv
	episodes int
	seed     uint64
	timing   *Timing
	add      func(Point)
}

// inlineEvaluator plays each evaluation at once, on the student itself.
type inlineEvaluator struct {
	evalOn
	student framework.Student
}

func (e *inlineEvaluator) measure(p Point) error {
	t := time.Now()
	ep, err := rollout.Evaluate(e.venv, e.student, e.episodes, e.seed)
	e.timing.Eval += time.Since(t)
	if err != nil {
		return fmt.Errorf("evaluating the student at %d env steps: %w", p.EnvSteps, err)
	}
	p.ReturnMean, p.ReturnStd = rollout.Mean(ep.Returns), rollout.Std(ep.Returns)
	e.add(p)
	return nil
}

func (e *inlineEvaluator) resume()      {}
func (e *inlineEvaluator) wait() error  { return nil }
func (e *inlineEvaluator) close() error { return nil }

// copyEvaluator saves the student's checkpoint and, in the background,
// loads it into a copy of the student (made on first use) and evaluates
// the copy, which acts as the student did when saved. Only the save waits:
// making the copy (a plugin process's start) and loading it do not. A
// framework.ActingCopier student is copied in memory instead, with the
// same actions and no checkpoint to write and parse.
//
// The evaluation is held back until resume (the next training) or wait:
// collection through plugins is a chain of short round trips that slows
// by half when an evaluation's round trips share the cores, while a
// training call keeps one core busy and the host idle.
type copyEvaluator struct {
	evalOn
	student    framework.Student
	makeCopy   func() (framework.Student, error)
	duplicate  framework.Student
	checkpoint bytes.Buffer
	// inFlight is the evaluation under way, if any, and release what lets
	// it begin.
	inFlight chan evalOutcome
	release  chan struct{}
}

// evalOutcome is what a background evaluation found.
type evalOutcome struct {
	point Point
	ep    rollout.Episodes
	err   error
	took  time.Duration
}

func (e *copyEvaluator) measure(p Point) error {
	if err := e.wait(); err != nil {
		return err
	}
	t := time.Now()
	var acting framework.Policy
	if c, ok := e.student.(framework.ActingCopier); ok {
		acting = c.ActingCopy()
	} else {
		e.checkpoint.Reset()
		if err := e.student.Save(&e.checkpoint); err != nil {
			return fmt.Errorf("saving the student to evaluate it at %d env steps: %w", p.EnvSteps, err)
		}
	}
	e.timing.Eval += time.Since(t)
	done, release := make(chan evalOutcome, 1), make(chan struct{})
	e.inFlight, e.release = done, release
	go func() {
		<-release
		t := time.Now()
		o := evalOutcome{point: p}
		o.err = framework.Recovered(func() (err error) {
			if acting != nil {
				o.ep, err = rollout.Evaluate(e.venv, acting, e.episodes, e.seed)
			} else {
				o.ep, err = e.play()
			}
			return err
		})
		o.took = time.Since(t)
		done <- o
	}()
	return nil
}

// play loads the checkpoint into the copy, making it on first use, and
// evaluates it; it runs on measure's goroutine, the only one that touches
// the copy until wait has taken its outcome.
func (e *copyEvaluator) play() (rollout.Episodes, error) {
	if e.duplicate == nil {
		c, err := e.makeCopy()
		if err != nil {
			return rollout.Episodes{}, fmt.Errorf("making a copy of the student: %w", err)
		}
		e.duplicate = c
	}
	if err := e.duplicate.Load(&e.checkpoint); err != nil {
		return rollout.Episodes{}, fmt.Errorf("loading the student's copy: %w", err)
	}
	return rollout.Evaluate(e.venv, e.duplicate, e.episodes, e.seed)
}

func (e *copyEvaluator) resume() {
	if e.release != nil {
		close(e.release)
		e.release = nil
	}
}

func (e *copyEvaluator) wait() error {
	if e.inFlight == nil {
		return nil
	}
	e.resume()
	o := <-e.inFlight
	e.inFlight = nil
	e.timing.Eval += o.took
	if o.err != nil {
		return fmt.Errorf("evaluating the student at %d env steps: %w", o.point.EnvSteps, o.err)
	}
	p := o.point
	p.ReturnMean, p.ReturnStd = rollout.Mean(o.ep.Returns), rollout.Std(o.ep.Returns)
	e.add(p)
	return nil
}

func (e *copyEvaluator) close() error {
	if c, ok := e.duplicate.(io.Closer); ok {
		if err := c.Close(); err != nil {
			return fmt.Errorf("closing the student's copy: %w", err)
		}
	}
	return nil
}
