package distill

import (
	"context"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"time"

	"github.com/smgrnn/arena/framework"
	"github.com/smgrnn/arena/framework/rollout"
)

// This file is the protocol of the package comment, top to bottom: reset,
// then rounds of collect, label and train with the curve's evaluations
// along the way, then the final evaluation. Four things overlap its calls
// without changing a number, each behind a small type of its own file:
// the student acts while the teacher labels (acter, act.go); labels wait
// until a step needs the teacher or the round ends (pending, pending.go);
// the curve's evaluations play a copy of the student during the next
// training (evaluator, evaluate.go); and vectors are made ahead of need
// (prefetch.go). reference_test.go is the same protocol with none of them,
// and Execute must equal it bit for bit.

// runner is the state of an executing run.
type runner struct {
	Run
	cfg            Config
	spec           framework.EnvSpec
	venv, evalVenv framework.VectorEnv
	n              int
	obsDim, actDim int
	ctx            context.Context
	done           <-chan struct{}

	// cur is the training env's current observations (its own slice,
	// valid until the next Step).
	cur []float64
	// The last vector step's behaviour sources; its rows next..n-1 are
	// not yet samples.
	fromTeacher []bool
	next        int
	// pend holds the visited states on their way to the buffer, lab one
	// Label call's labels.
	pend       pending
	lab        framework.Labels
	acts       acter
	studentAct []float64
	actions    []float64

	buf *buffer
	// trainer trains the student; batches and losses hold one training
	// call's minibatches and losses (see newBatches).
	trainer framework.BatchTrainer
	batches []framework.Batch
	losses  []float64
	behave  *rand.Rand
	sampler *rand.Rand

	steps, updates int
	// Samples added and those of them behaved by the teacher, this round.
	added, byTeacher int

	evals    evaluator
	finalEnv finalEnv

	res    Result
	timing Timing
}

// loop is the protocol proper.
func (r *runner) loop() error {
	cfg := r.cfg
	t := time.Now()
	obs, err := r.venv.Reset(framework.Seed(r.res.Seeds.TrainReset))
	r.timing.Env += time.Since(t)
	if err != nil {
		return fmt.Errorf("resetting the training environments: %w", err)
	}
	r.cur = obs
	if err := r.evaluate(); err != nil {
		return err
	}
	nextEval := cfg.EvalEvery
	for round := 0; r.steps < cfg.EnvSteps; round++ {
		beta := cfg.Beta(round)
		roundEnd := r.steps + min(cfg.RoundSteps, cfg.EnvSteps-r.steps)
		r.added, r.byTeacher = 0, 0
		for r.steps < roundEnd {
			stop := min(roundEnd, nextEval)
			if err := r.collect(stop-r.steps, beta); err != nil {
				return err
			}
			// An evaluation due mid-round measures the student as it is;
			// one due at the round's end waits for the round's training.
			if r.steps == nextEval && r.steps < roundEnd {
				if err := r.evaluate(); err != nil {
					return err
				}
				nextEval = addSat(nextEval, cfg.EvalEvery)
			}
		}
		if err := r.flush(); err != nil {
			return err
		}
		rd := Round{
			Index:           round,
			EnvSteps:        r.steps,
			Beta:            beta,
			TeacherFraction: float64(r.byTeacher) / float64(r.added),
			BufferSize:      r.buf.n,
		}
		// Training is when a held-back evaluation plays and, before the
		// last, when the final evaluation's vector is made.
		r.evals.resume()
		if r.steps >= cfg.EnvSteps {
			r.finalEnv.prepare()
		}
		loss, err := r.train()
		if err != nil {
			return err
		}
		rd.Loss = loss
		r.res.Rounds = append(r.res.Rounds, rd)
		r.report(Progress{Round: &rd}) // a copy: the callback cannot alter the result
		if r.steps == nextEval && r.steps < cfg.EnvSteps {
			if err := r.evaluate(); err != nil {
				return err
			}
			nextEval = addSat(nextEval, cfg.EvalEvery)
		}
	}
	return r.final()
}

// collect takes k samples, stepping the training environments as needed;
// they reach the buffer with their labels at the latest when the round
// ends (flush). A vector step visits n copies' states; when k ends inside
// a step, its remaining rows wait for the next call, so budgets and
// evaluation points need not be multiples of n.
func (r *runner) collect(k int, beta float64) error {
	for k > 0 {
		if r.next == r.n {
			if r.cancelled() {
				return r.ctx.Err()
			}
			if err := r.vectorStep(beta); err != nil {
				return err
			}
			r.next = 0
		}
		take := min(k, r.n-r.next)
		r.pend.taken += take
		for i := r.next; i < r.next+take; i++ {
			if r.fromTeacher[i] {
				r.byTeacher++
			}
		}
		r.added += take
		r.next += take
		r.steps += take
		k -= take
	}
	return nil
}

// vectorStep picks each copy's behaviour action (the teacher's with
// probability beta) and steps the training copies. The student's actions
// and the teacher's labels both depend only on the current states, so the
// student acts while the teacher labels (acter); the states are labelled
// now only when a copy behaves as the teacher (pending), and when none
// does the student acts at once.
func (r *runner) vectorStep(beta float64) error {
	// One draw per copy whatever β is, so the stream does not depend on
	// the schedule.
	useStudent, useTeacher := false, false
	for i := range r.fromTeacher {
		r.fromTeacher[i] = r.behave.Float64() < beta
		useStudent = useStudent || !r.fromTeacher[i]
		useTeacher = useTeacher || r.fromTeacher[i]
	}
	if !r.pend.room(r.n) {
		if err := r.flush(); err != nil {
			return err
		}
	}
	r.pend.push(r.cur, r.n)
	var actErr, err error
	switch {
	case useStudent && !useTeacher:
		actErr = r.acts.act(r.cur, r.n, r.studentAct)
	case useStudent:
		actErr = r.acts.start(r.cur, r.n, r.studentAct)
		err = r.label()
		if actErr == nil {
			actErr = r.acts.finish()
		}
	default:
		err = r.label()
	}
	if err != nil {
		return err
	}
	if actErr != nil {
		return fmt.Errorf("student acting on %s: %w", r.spec.ID, actErr)
	}
	d := r.actDim
	var teacherActs []float64
	if useTeacher {
		teacherActs = r.pend.lastActions(r.n)
	}
	for i, teacher := range r.fromTeacher {
		src := r.studentAct
		if teacher {
			src = teacherActs
		}
		copy(r.actions[i*d:(i+1)*d], src[i*d:(i+1)*d])
	}
	t := time.Now()
	st, err := r.venv.Step(r.actions)
	r.timing.Env += time.Since(t)
	if err != nil {
		return fmt.Errorf("stepping %s: %w", r.spec.ID, err)
	}
	r.cur = st.Obs
	return nil
}

// label has the teacher label every waiting state, in one call.
func (r *runner) label() error {
	obs, k := r.pend.unlabelled()
	if k == 0 {
		return nil
	}
	t := time.Now()
	err := r.Teacher.Label(obs, k, &r.lab)
	r.timing.Teacher += time.Since(t)
	if err != nil {
		return fmt.Errorf("teacher labelling %s states: %w", r.spec.ID, err)
	}
	if r.buf == nil {
		if err := r.newBuffer(k); err != nil {
			return err
		}
	}
	if err := r.buf.checkLabels(&r.lab, k); err != nil {
		return err
	}
	r.pend.setLabels(&r.lab, k)
	return nil
}

// flush labels the waiting states and moves the samples taken into the
// buffer.
func (r *runner) flush() error {
	if err := r.label(); err != nil {
		return err
	}
	if r.buf != nil {
		r.pend.drain(r.buf)
	}
	return nil
}

// newBuffer sizes the buffer and the minibatches after the teacher's first
// labels, for k states, which say whether it gives probabilities or a
// Gaussian.
func (r *runner) newBuffer(k int) error {
	probDim := 0
	if r.lab.Probs != nil {
		if len(r.lab.Probs) == 0 || len(r.lab.Probs)%k != 0 {
			return fmt.Errorf("teacher gave %d probability values for %d observations", len(r.lab.Probs), k)
		}
		probDim = len(r.lab.Probs) / k
	}
	gaussian := r.lab.Mean != nil || r.lab.Std != nil
	capacity := min(r.cfg.BufferSize, r.cfg.EnvSteps) // it never holds more than the budget
	r.buf = newBuffer(capacity, r.obsDim, r.actDim, probDim, gaussian)
	r.newBatches()
	return nil
}

// maxBatchesBytes bounds the minibatches sent in one TrainBatches call,
// well below a plugin's 64 MiB message limit.
const maxBatchesBytes = 16 << 20

// eachTrainer is a Student that is no framework.BatchTrainer, trained one
// Train call per minibatch.
type eachTrainer struct{ framework.Student }

func (e eachTrainer) TrainBatches(batches []framework.Batch, losses []float64) (int, error) {
	return framework.TrainEach(e.Student, batches, losses)
}

// newBatches makes the minibatches of one training call: one, or for a
// framework.BatchTrainer as many as maxBatchesBytes holds, at most a
// round's.
func (r *runner) newBatches() {
	first := r.buf.newBatch(r.cfg.BatchSize)
	k := 1
	if bt, ok := r.Student.(framework.BatchTrainer); ok {
		r.trainer = bt
		per := 8 * (len(first.Obs) + len(first.Labels.Actions) + len(first.Labels.Probs) + len(first.Labels.Mean) + len(first.Labels.Std))
		k = min(r.cfg.UpdatesPerRound, max(maxBatchesBytes/per, 1))
	} else {
		r.trainer = eachTrainer{r.Student}
	}
	r.batches = append(make([]framework.Batch, 0, k), first)
	for len(r.batches) < k {
		r.batches = append(r.batches, r.buf.newBatch(r.cfg.BatchSize))
	}
	r.losses = make([]float64, k)
}

// train makes the round's minibatch updates and returns their mean loss.
// A framework.BatchTrainer gets the round's minibatches in as few calls as
// maxBatchesBytes allows, any other student one Train call each; the
// minibatches and the order of the updates are the same either way, since
// sampling does not depend on the student.
func (r *runner) train() (float64, error) {
	sum := 0.0
	for u := 0; u < r.cfg.UpdatesPerRound; {
		if r.cancelled() {
			return 0, r.ctx.Err()
		}
		k := min(len(r.batches), r.cfg.UpdatesPerRound-u)
		for i := range k {
			r.buf.sample(r.sampler, &r.batches[i])
		}
		t := time.Now()
		done, err := r.trainer.TrainBatches(r.batches[:k], r.losses[:k])
		r.timing.StudentTrain += time.Since(t)
		for _, loss := range r.losses[:done] {
			if math.IsNaN(loss) || math.IsInf(loss, 0) {
				return 0, fmt.Errorf("student training diverged: loss %v at update %d", loss, r.updates+1)
			}
			r.updates++
			sum += loss
		}
		if err != nil {
			return 0, fmt.Errorf("student training (update %d): %w", r.updates+1, err)
		}
		u += k
	}
	return sum / float64(r.cfg.UpdatesPerRound), nil
}

// evaluate measures the student for the learning curve; the point reaches
// the curve through addPoint, now or by the evaluator's next wait.
func (r *runner) evaluate() error {
	if err := r.ctx.Err(); err != nil {
		return err
	}
	return r.evals.measure(Point{EnvSteps: r.steps, Updates: r.updates, Size: r.Student.Size()})
}

// addPoint adds an evaluation to the curve and reports it.
func (r *runner) addPoint(p Point) {
	r.res.Curve = append(r.res.Curve, p)
	r.report(Progress{Eval: &p})
}

// final makes the final evaluation, whose first EvalEpisodes episodes are
// also the curve's last point (same seeds, deterministic student), and the
// baselines on the same seeds.
func (r *runner) final() (err error) {
	if err := r.evals.wait(); err != nil {
		return err
	}
	if err := r.ctx.Err(); err != nil {
		return err
	}
	eps, seed := r.cfg.FinalEvalEpisodes, r.cfg.FirstEvalSeed()
	t := time.Now()
	finalVenv, made, err := r.finalEnv.take(r.evalVenv)
	if err != nil {
		return err
	}
	if made {
		defer closeInto(finalVenv, "final evaluation", &err)
	}
	ep, err := rollout.Evaluate(finalVenv, r.Student, eps, seed)
	r.timing.Eval += time.Since(t)
	if err != nil {
		return fmt.Errorf("final evaluation of the student: %w", err)
	}
	r.res.Final = newEvaluation(seed, ep)
	r.res.Updates = r.updates
	r.res.Size = r.Student.Size()
	if s, ok := r.Student.(framework.Structural); ok {
		r.res.Events = maps.Clone(s.StructureEvents())
		if r.res.Events == nil {
			r.res.Events = map[string]int{}
		}
	}
	if eps >= r.cfg.EvalEpisodes {
		returns := ep.Returns[:r.cfg.EvalEpisodes]
		r.addPoint(Point{EnvSteps: r.steps, Updates: r.updates, Size: r.res.Size,
			ReturnMean: rollout.Mean(returns), ReturnStd: rollout.Std(returns)})
	} else if err := r.evaluate(); err != nil {
		return err
	} else if err := r.evals.wait(); err != nil {
		return err
	}
	if err := r.ctx.Err(); err != nil {
		return err
	}
	t = time.Now()
	defer func() { r.timing.Baselines += time.Since(t) }()
	if r.TeacherBaseline != nil {
		if r.res.Teacher, err = r.TeacherBaseline(); err != nil {
			return fmt.Errorf("evaluating the teacher: %w", err)
		}
		if len(r.res.Teacher.Returns) != eps || r.res.Teacher.Seed != seed {
			return fmt.Errorf("the teacher's baseline has %d episodes from seed %d, want %d from %d",
				len(r.res.Teacher.Returns), r.res.Teacher.Seed, eps, seed)
		}
	} else if r.res.Teacher, err = evaluate(finalVenv, r.Teacher, eps, seed, "the teacher"); err != nil {
		return err
	}
	if err := r.ctx.Err(); err != nil {
		return err
	}
	rnd := rollout.RandomPolicy(r.spec.ActionSpace, r.res.Seeds.Random)
	r.res.Random, err = evaluate(r.evalVenv, rnd, eps, seed, "the random policy")
	return err
}

// evaluate plays episodes of p on venv, episode i from seed+i.
func evaluate(venv framework.VectorEnv, p framework.Policy, episodes int, seed uint64, who string) (Evaluation, error) {
	ep, err := rollout.Evaluate(venv, p, episodes, seed)
	if err != nil {
		return Evaluation{}, fmt.Errorf("evaluating %s: %w", who, err)
	}
	return newEvaluation(seed, ep), nil
}

// addSat is a+b for non-negative ints, saturating at the largest int, so a
// huge eval_every cannot wrap the next evaluation point around to a negative
// step count.
func addSat(a, b int) int {
	if a > math.MaxInt-b {
		return math.MaxInt
	}
	return a + b
}

// report calls the Progress callback, if any, with the run's counters.
func (r *runner) report(p Progress) {
	if r.Progress == nil {
		return
	}
	p.EnvSteps, p.Budget, p.Rounds = r.steps, r.cfg.EnvSteps, len(r.res.Rounds)
	r.Progress(p)
}

// cancelled reports whether the run's context is done, without the
// context's lock: it is asked at every vector step and every update.
func (r *runner) cancelled() bool {
	select {
	case <-r.done:
		return true
	default:
		return false
	}
}
