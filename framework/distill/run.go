package distill

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"math/rand/v2"
	"time"

	"github.com/smgrnn/arena/framework"
	"github.com/smgrnn/arena/framework/rollout"
)

// EvalSeedBase is the default first held-out reset seed: episode i of
// every evaluation resets with EvalSeedBase+i unless Config.EvalSeed says
// otherwise (it may only move the seeds up). Training copies start from
// seeds below it (see Seeds), so no evaluation episode is ever a training
// episode's start.
const EvalSeedBase uint64 = 1_000_000_000

// VectorEnvMaker makes a vector environment of n copies of one environment,
// in process or behind a plugin.
type VectorEnvMaker func(n int) (framework.VectorEnv, error)

// RegisteredEnv returns a maker of n copies of a registered environment.
func RegisteredEnv(id string) VectorEnvMaker {
	return func(n int) (framework.VectorEnv, error) { return framework.MakeVectorEnv(id, n) }
}

// Run is one distillation run: a teacher, a student, an environment, a seed
// and the protocol's settings. It uses its parts only through framework's
// interfaces, so each may live in another process.
type Run struct {
	// Env makes the training and the evaluation vector environments (two
	// separate ones, so that evaluating never disturbs the training
	// copies' random streams). Execute closes them. It is called from
	// several goroutines at once.
	Env VectorEnvMaker
	// Teacher labels every visited state and acts when β says so.
	Teacher framework.Teacher
	// TeacherBaseline, when set, returns the teacher's evaluation on the
	// final evaluation's seeds (EvaluateTeacher), which a match measures
	// once per environment: it depends on neither the student nor the
	// run's seed. When nil, Execute measures it.
	TeacherBaseline func() (Evaluation, error)
	// Student is trained; its own initialisation seed is the caller's
	// business (a match gives every student the run's seed).
	Student framework.Student
	// Seed fixes the run: training reset seeds, the β draws, the
	// minibatches and the random baseline.
	Seed uint64
	// Config is the protocol: start from DefaultConfig. Execute validates
	// it, so a zero Config is an error rather than a silent default.
	Config Config
	// StudentCopy, when set, makes another student of the same kind and
	// settings. The learning curve's evaluations then play a copy loaded
	// from the student's checkpoint while the student goes on collecting
	// and training: the same numbers (Load of a checkpoint gives identical
	// actions), with the evaluation off the run's critical path. Execute
	// closes the copy if it is an io.Closer. When nil, the evaluations
	// run in turn.
	StudentCopy func() (framework.Student, error)
	// Progress, when set, is called after each round's training and after
	// each evaluation, from Execute's goroutine.
	Progress func(Progress)
}

// Progress reports how far a run has come.
type Progress struct {
	// EnvSteps is the number of labelled environment steps so far, Budget
	// the run's total.
	EnvSteps, Budget int
	// Rounds is the number of rounds trained so far.
	Rounds int
	// Round is the last round trained; nil when this report is an
	// evaluation.
	Round *Round
	// Eval is the evaluation just made; nil when this report is a round.
	Eval *Point
}

// Seeds records every seed a run used, all derived from the run's seed.
type Seeds struct {
	// Run is the run's seed.
	Run uint64 `json:"run"`
	// TrainReset is the reset seed of the first training copy: copy i
	// starts with TrainReset+i and later episodes continue its stream, as
	// Gymnasium's autoreset does. It lies below EvalSeedBase-65536.
	TrainReset uint64 `json:"train_reset"`
	// Eval is the first evaluation reset seed (Config.FirstEvalSeed).
	Eval uint64 `json:"eval"`
	// Behaviour seeds the per-step, per-copy draws of teacher or student.
	Behaviour uint64 `json:"behaviour"`
	// Minibatch seeds the uniform draws of minibatches from the buffer.
	Minibatch uint64 `json:"minibatch"`
	// Random seeds the random policy of the baseline return.
	Random uint64 `json:"random"`
}

// deriveSeeds spreads the run seed into independent streams with
// SplitMix64, so nearby run seeds (0, 1, 2, ...) give unrelated streams and
// training reset seeds that almost never overlap.
func deriveSeeds(run, eval uint64) Seeds {
	return Seeds{
		Run:        run,
		TrainReset: splitmix64(run^0x7472_6169_6e00) % (EvalSeedBase - maxEnvs),
		Eval:       eval,
		Behaviour:  splitmix64(run ^ 0x6265_6861_7600),
		Minibatch:  splitmix64(run ^ 0x6261_7463_6800),
		Random:     splitmix64(run ^ 0x7261_6e64_6f6d),
	}
}

// splitmix64 is Steele, Lea and Flood's SplitMix64 finaliser.
func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// Round summarises one round of collection and training.
type Round struct {
	// Index counts rounds from 0.
	Index int `json:"round"`
	// EnvSteps is the number of labelled environment steps at the end of
	// the round's collection.
	EnvSteps int `json:"env_steps"`
	// Beta is the round's probability of a teacher action.
	Beta float64 `json:"beta"`
	// TeacherFraction is the share of the round's samples whose behaviour
	// action was the teacher's.
	TeacherFraction float64 `json:"teacher_fraction"`
	// Loss is the mean of the losses Student.Train returned in the round.
	Loss float64 `json:"loss"`
	// BufferSize is the number of samples held after the round's
	// collection.
	BufferSize int `json:"buffer_size"`
}

// Point is one evaluation of the learning and size curves.
type Point struct {
	// EnvSteps and Updates count labelled environment steps and student
	// updates before the evaluation.
	EnvSteps int `json:"env_steps"`
	Updates  int `json:"updates"`
	// ReturnMean and ReturnStd are the mean and population standard
	// deviation of the episodes' returns.
	ReturnMean float64 `json:"return_mean"`
	ReturnStd  float64 `json:"return_std"`
	// Size is the student's size at the evaluation.
	framework.Size
}

// Evaluation is the outcome of one policy's episodes on held-out seeds.
type Evaluation struct {
	// Seed is the reset seed of episode 0; episode i used Seed+i.
	Seed       uint64    `json:"seed"`
	ReturnMean float64   `json:"return_mean"`
	ReturnStd  float64   `json:"return_std"`
	Returns    []float64 `json:"returns"`
	Lengths    []int     `json:"lengths"`
}

func newEvaluation(seed uint64, ep rollout.Episodes) Evaluation {
	return Evaluation{
		Seed:       seed,
		ReturnMean: rollout.Mean(ep.Returns),
		ReturnStd:  rollout.Std(ep.Returns),
		Returns:    ep.Returns,
		Lengths:    ep.Lengths,
	}
}

// Timing breaks a run's wall time down by whom it was spent in. Rollout
// times count collection only; evaluation time is counted apart.
type Timing struct {
	// Env is the time in the training vector environment's Reset and Step.
	Env time.Duration `json:"env_ns"`
	// Teacher is the time the teacher spent labelling.
	Teacher time.Duration `json:"teacher_ns"`
	// StudentAct is the time the student spent choosing behaviour actions.
	StudentAct time.Duration `json:"student_act_ns"`
	// StudentTrain is the time in Student.Train (which includes a
	// structural student's plasticity module).
	StudentTrain time.Duration `json:"student_train_ns"`
	// Eval is the time of the student's evaluations.
	Eval time.Duration `json:"eval_ns"`
	// Baselines is the time of the teacher's and the random policy's
	// evaluations.
	Baselines time.Duration `json:"baselines_ns"`
	// Total is the wall time of Execute; what the fields above do not
	// cover is the protocol's own work (buffer, minibatch gathering).
	Total time.Duration `json:"total_ns"`
}

// Result is everything a run measured. It marshals to JSON; Timing is the
// only part that differs between two runs of the same seed.
type Result struct {
	// Env is the environment's ID.
	Env string `json:"env"`
	// Config is the protocol the run followed.
	Config Config `json:"config"`
	// Seeds lists the seeds used.
	Seeds Seeds `json:"seeds"`
	// EnvSteps is the number of labelled environment steps (the budget)
	// and Updates the number of Student.Train calls.
	EnvSteps int `json:"env_steps"`
	Updates  int `json:"updates"`
	// Rounds summarises every round.
	Rounds []Round `json:"rounds"`
	// Curve holds the evaluations at 0, EvalEvery, 2·EvalEvery, ... env
	// steps and at the end of the budget, each over Config.EvalEpisodes
	// episodes.
	Curve []Point `json:"curve"`
	// Final is the student's final evaluation over FinalEvalEpisodes.
	Final Evaluation `json:"final"`
	// Teacher and Random are the teacher's and a random policy's returns
	// on the final evaluation's seeds: the two ends of the normalised
	// score.
	Teacher Evaluation `json:"teacher"`
	Random  Evaluation `json:"random"`
	// Size is the student's final size.
	Size framework.Size `json:"size"`
	// Events counts a structural student's edits by kind (nil for a fixed
	// network).
	Events map[string]int `json:"structural_events,omitempty"`
	// Timing says where the time went.
	Timing Timing `json:"timing"`
}

// UnmarshalJSON reads a Result, including one written when Events was
// keyed "structure_events", so older files stay readable.
func (r *Result) UnmarshalJSON(b []byte) error {
	type plain Result
	var v struct {
		plain
		Old map[string]int `json:"structure_events"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*r = Result(v.plain)
	if r.Events == nil {
		r.Events = v.Old
	}
	return nil
}

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
	studentAct []float64
	actions    []float64
	// starter is the student when it is a framework.ActStarter. Else act
	// asks the actor goroutine for the student's actions on cur, which it
	// answers on acted (see vectorStep).
	starter framework.ActStarter
	act     chan struct{}
	acted   chan error

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

	res    Result
	timing Timing

	// duplicate is the copy of the student that the curve's evaluations
	// play (StudentCopy), checkpoint the buffer that carries the student
	// over, evaluating the evaluation in flight, if any, and releaseEval
	// what lets it begin (see evalCopy).
	duplicate   framework.Student
	checkpoint  bytes.Buffer
	evaluating  chan evalOutcome
	releaseEval chan struct{}
	// finalMade is the final evaluation's vector being made, when it is
	// not the evaluation vector, until final takes it.
	finalMade *pendingEnv
}

// evalOutcome is what a background evaluation of the curve found.
type evalOutcome struct {
	point Point
	ep    rollout.Episodes
	err   error
	took  time.Duration
}

// Execute runs the protocol: rounds of collection and training until the
// budget is spent, evaluations along the way, and a final evaluation with
// the teacher's and a random policy's returns on the same seeds. It stops
// promptly with ctx.Err() when ctx is cancelled. The Student is trained in
// place.
func (r Run) Execute(ctx context.Context) (res *Result, err error) {
	start := time.Now()
	if err := r.Config.Validate(); err != nil {
		return nil, err
	}
	if r.Env == nil || r.Teacher == nil || r.Student == nil {
		return nil, errors.New("distill run needs an environment maker, a teacher and a student")
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	// Runs last: a run whose environments fail to close returns only the
	// error, like every other failed run.
	defer func() {
		if err != nil {
			res = nil
		}
	}()
	ru := &runner{Run: r, cfg: r.Config, n: r.Config.Envs, ctx: ctx, done: ctx.Done()}
	// The vectors are made at once: through plugins each may be a process
	// to start (about 50 ms, most of it go-plugin's key generation). The
	// final evaluation's is made during the last training (see
	// prepareFinal).
	trainMade, evalMade := makeEnvAsync(r.Env, ru.n), makeEnvAsync(r.Env, evalCopies(r.Config))
	defer func() { ru.finalMade.discard() }() // unless final took it
	if ru.venv, err = trainMade.wait(); err != nil {
		evalMade.discard()
		return nil, fmt.Errorf("making the training environments: %w", err)
	}
	defer closeInto(ru.venv, "training", &err)
	if ru.evalVenv, err = evalMade.wait(); err != nil {
		return nil, fmt.Errorf("making the evaluation environments: %w", err)
	}
	defer closeInto(ru.evalVenv, "evaluation", &err)
	if err := ru.setup(); err != nil {
		return nil, err
	}
	defer close(ru.act) // ends the actor setup started
	// Runs before the environments close: an evaluation in flight uses
	// the evaluation vector.
	defer func() {
		if werr := ru.joinEval(); werr != nil && err == nil {
			err = werr
		}
		if c, ok := ru.duplicate.(io.Closer); ok {
			if cerr := c.Close(); cerr != nil && err == nil {
				err = fmt.Errorf("closing the student's copy: %w", cerr)
			}
		}
	}()
	if err := ru.loop(); err != nil {
		return nil, err
	}
	ru.timing.Total = time.Since(start)
	ru.res.Timing = ru.timing
	return &ru.res, nil
}

// maxEvalCopies bounds the evaluation vector's size: beyond a few dozen
// rows a batched Act gains little, and each copy may be a plugin's.
const maxEvalCopies = 64

// evalCopies is the evaluation vector's size: enough copies to play a
// periodic evaluation in one batch, since one Act call on 20 rows costs
// little more than on 8. Scores do not depend on it (rollout.Evaluate
// resets episode i with seed S+i whatever the number of copies).
func evalCopies(c Config) int {
	return max(c.Envs, min(c.EvalEpisodes, maxEvalCopies))
}

// maxFinalCopies bounds the final evaluation's vector.
const maxFinalCopies = 128

// prepareFinal starts making the final evaluation's vector, when it is not
// the evaluation vector and is not being made yet. Execute calls it as
// the last training starts: the final evaluation then need not wait for a
// process to start, and by then the match's teacher baseline has usually
// handed its vector of the same size back to the plugin's pool.
func (r *runner) prepareFinal() {
	if n := finalCopies(r.cfg); n != evalCopies(r.cfg) && r.finalMade == nil {
		r.finalMade = makeEnvAsync(r.Env, n)
	}
}

// finalCopies is the size of the final evaluation's vector and of the
// teacher's baseline: every final episode in one batch when they fit, so
// that the final evaluation steps as long as its longest episode rather
// than five times over (100 episodes on 20 copies); through plugins that
// is thousands of round trips fewer. Scores do not depend on it, since
// the student and the teacher act on each observation alone. The random
// policy keeps the evaluation vector: it draws an action for every copy,
// so its returns depend on the number of copies.
func finalCopies(c Config) int {
	return max(evalCopies(c), min(c.FinalEvalEpisodes, maxFinalCopies))
}

// closeInto closes a vector env, reporting its error only when the run had
// none.
func closeInto(v framework.VectorEnv, what string, err *error) {
	if cerr := v.Close(); cerr != nil && *err == nil {
		*err = fmt.Errorf("closing the %s environments: %w", what, cerr)
	}
}

// setup checks that the parts fit together and allocates every buffer the
// loop reuses.
func (r *runner) setup() error {
	r.spec = r.venv.Spec()
	if got := r.venv.NumEnvs(); got != r.n {
		return fmt.Errorf("training vector env has %d copies, the protocol asks for %d", got, r.n)
	}
	if got, want := r.evalVenv.NumEnvs(), evalCopies(r.cfg); got != want {
		return fmt.Errorf("evaluation vector env has %d copies, want %d", got, want)
	}
	if es := r.evalVenv.Spec(); es.ID != r.spec.ID {
		return fmt.Errorf("evaluation env is %s, training env is %s", es.ID, r.spec.ID)
	}
	if err := framework.Validate(r.spec.ObservationSpace); err != nil {
		return fmt.Errorf("%s observation space: %w", r.spec.ID, err)
	}
	if err := framework.Validate(r.spec.ActionSpace); err != nil {
		return fmt.Errorf("%s action space: %w", r.spec.ID, err)
	}
	tObs, tAct := r.Teacher.Spaces()
	if !framework.SameSpace(tObs, r.spec.ObservationSpace) || !framework.SameSpace(tAct, r.spec.ActionSpace) {
		return fmt.Errorf("teacher's spaces %v and %v do not match %s's %s and %s",
			tObs, tAct, r.spec.ID, r.spec.ObservationSpace, r.spec.ActionSpace)
	}
	r.obsDim, r.actDim = r.spec.ObservationSpace.Dim(), r.spec.ActionSpace.Dim()
	r.pend = newPending(pendingRows(r.cfg, r.obsDim), r.obsDim, r.actDim)
	r.fromTeacher = make([]bool, r.n)
	r.next = r.n // nothing pending
	r.studentAct = make([]float64, r.n*r.actDim)
	r.act, r.acted = make(chan struct{}), make(chan error, 1)
	if st, ok := r.Student.(framework.ActStarter); ok {
		r.starter = st
	} else {
		go r.actor()
	}
	r.actions = make([]float64, r.n*r.actDim)
	seeds := deriveSeeds(r.Seed, r.cfg.FirstEvalSeed())
	r.behave = rand.New(rand.NewPCG(seeds.Behaviour, 1))
	r.sampler = rand.New(rand.NewPCG(seeds.Minibatch, 2))
	r.res = Result{
		Env:      r.spec.ID,
		Config:   r.cfg,
		Seeds:    seeds,
		EnvSteps: r.cfg.EnvSteps,
		// A budget in the billions must not preallocate its records.
		Rounds: make([]Round, 0, min((r.cfg.EnvSteps+r.cfg.RoundSteps-1)/r.cfg.RoundSteps, 1024)),
		Curve:  make([]Point, 0, min(r.cfg.EnvSteps/r.cfg.EvalEvery+2, 1024)),
	}
	return nil
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
	if err := r.evalPoint(); err != nil {
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
				if err := r.evalPoint(); err != nil {
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
		loss, err := r.train()
		if err != nil {
			return err
		}
		rd.Loss = loss
		r.res.Rounds = append(r.res.Rounds, rd)
		r.report(Progress{Round: &rd}) // a copy: the callback cannot alter the result
		if r.steps == nextEval && r.steps < cfg.EnvSteps {
			if err := r.evalPoint(); err != nil {
				return err
			}
			nextEval = addSat(nextEval, cfg.EvalEvery)
		}
	}
	return r.final()
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

// collect takes k samples, stepping the training environments as needed;
// they reach the buffer with their labels at the latest when the round
// ends (see pending). A vector step visits n copies' states; when k ends
// inside a step, its remaining rows wait for the next call, so budgets and
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
// probability beta), steps the training copies and queues the states for
// labels. A step labels the waiting states only when a copy behaves as the
// teacher (see pending).
//
// The teacher's labels and the student's actions both depend only on the
// current states, so the student acts while the teacher labels: when the
// two live in plugin processes, a step waits for the slower of them rather
// than for one after the other. Neither call sees the other's output, so
// the results are the same as calling them in turn. A framework.ActStarter
// student (a plugin's) is started before Label and finished after it, on
// this goroutine: handing the call to the actor goroutine cost as much as
// the round trip it hid (BenchmarkCollectStep in plugins/host, 8 toy copies
// on a 2-core VM: 67–77 µs a vector step with the hand-off, 64–68 µs
// split, 43–47 µs when no copy needs the teacher).
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
	if useStudent {
		actErr = r.startAct()
	}
	if useTeacher {
		err = r.label()
	}
	if useStudent && actErr == nil {
		actErr = r.finishAct()
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

// startAct has the student start acting on cur: split in two when it is
// a framework.ActStarter, else on the actor goroutine.
func (r *runner) startAct() error {
	if r.starter == nil {
		r.act <- struct{}{}
		return nil
	}
	t := time.Now()
	err := r.starter.StartAct(r.cur, r.n)
	r.timing.StudentAct += time.Since(t)
	return err
}

// finishAct waits for the actions startAct asked for.
func (r *runner) finishAct() error {
	if r.starter == nil {
		return <-r.acted
	}
	t := time.Now()
	err := r.starter.FinishAct(r.studentAct)
	r.timing.StudentAct += time.Since(t)
	return err
}

// actor calls the student's Act for vectorStep, one request at a time, on
// a goroutine of its own so that it overlaps the teacher's Label. It ends
// when act is closed.
func (r *runner) actor() {
	for range r.act {
		t := time.Now()
		err := r.Student.Act(r.cur, r.n, r.studentAct)
		r.timing.StudentAct += time.Since(t)
		r.acted <- err
	}
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
// sampling does not depend on the student. Training is when a held-back
// curve evaluation plays (see evalCopy) and, in the last round, when the
// final evaluation's vector is made (see prepareFinal).
func (r *runner) train() (float64, error) {
	sum := 0.0
	r.startEval()
	if r.steps >= r.cfg.EnvSteps {
		r.prepareFinal()
	}
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

// evalPoint evaluates the student for the learning curve: in turn, or,
// with a StudentCopy, on a copy in the background (see evalCopy).
func (r *runner) evalPoint() error {
	if err := r.ctx.Err(); err != nil {
		return err
	}
	if r.StudentCopy != nil {
		return r.evalCopy()
	}
	t := time.Now()
	ep, err := rollout.Evaluate(r.evalVenv, r.Student, r.cfg.EvalEpisodes, r.cfg.FirstEvalSeed())
	r.timing.Eval += time.Since(t)
	if err != nil {
		return fmt.Errorf("evaluating the student at %d env steps: %w", r.steps, err)
	}
	r.addPoint(ep.Returns)
	return nil
}

// evalCopy saves the student's checkpoint and, in the background, loads
// it into the student's copy (made on first use) and evaluates the copy on
// the evaluation vector, after the previous evaluation has been taken in.
// The point's steps, updates and size are the student's now; its returns
// are the copy's, which acts as the student does now. Only the save waits:
// making the copy (a plugin process's start) and loading it do not.
//
// The evaluation is held back until the next training call (or until it
// is waited for): collection through plugins is a chain of short round
// trips that slows by half when an evaluation's round trips share the
// cores, while a training call keeps one core busy and the host idle.
func (r *runner) evalCopy() error {
	if err := r.joinEval(); err != nil {
		return err
	}
	t := time.Now()
	r.checkpoint.Reset()
	if err := r.Student.Save(&r.checkpoint); err != nil {
		return fmt.Errorf("saving the student to evaluate it at %d env steps: %w", r.steps, err)
	}
	p := Point{EnvSteps: r.steps, Updates: r.updates, Size: r.Student.Size()}
	r.timing.Eval += time.Since(t)
	done, release := make(chan evalOutcome, 1), make(chan struct{})
	r.evaluating, r.releaseEval = done, release
	go func() {
		<-release
		t := time.Now()
		o := evalOutcome{point: p}
		o.ep, o.err = r.playCopy()
		o.took = time.Since(t)
		done <- o
	}()
	return nil
}

// playCopy loads the checkpoint into the student's copy, making the copy
// on first use, and evaluates it; it runs on evalCopy's goroutine, the
// only one that touches the copy until joinEval has taken its outcome.
func (r *runner) playCopy() (rollout.Episodes, error) {
	if r.duplicate == nil {
		c, err := r.StudentCopy()
		if err != nil {
			return rollout.Episodes{}, fmt.Errorf("making a copy of the student: %w", err)
		}
		r.duplicate = c
	}
	if err := r.duplicate.Load(&r.checkpoint); err != nil {
		return rollout.Episodes{}, fmt.Errorf("loading the student's copy: %w", err)
	}
	return rollout.Evaluate(r.evalVenv, r.duplicate, r.cfg.EvalEpisodes, r.cfg.FirstEvalSeed())
}

// startEval lets the evaluation held back by evalCopy, if any, begin.
func (r *runner) startEval() {
	if r.releaseEval != nil {
		close(r.releaseEval)
		r.releaseEval = nil
	}
}

// joinEval waits for the evaluation in flight, if any, and adds its point
// to the curve.
func (r *runner) joinEval() error {
	if r.evaluating == nil {
		return nil
	}
	r.startEval()
	o := <-r.evaluating
	r.evaluating = nil
	r.timing.Eval += o.took
	if o.err != nil {
		return fmt.Errorf("evaluating the student at %d env steps: %w", o.point.EnvSteps, o.err)
	}
	p := o.point
	p.ReturnMean, p.ReturnStd = rollout.Mean(o.ep.Returns), rollout.Std(o.ep.Returns)
	r.res.Curve = append(r.res.Curve, p)
	r.report(Progress{Eval: &p})
	return nil
}

func (r *runner) addPoint(returns []float64) {
	p := Point{
		EnvSteps:   r.steps,
		Updates:    r.updates,
		ReturnMean: rollout.Mean(returns),
		ReturnStd:  rollout.Std(returns),
		Size:       r.Student.Size(),
	}
	r.res.Curve = append(r.res.Curve, p)
	r.report(Progress{Eval: &p})
}

// final makes the final evaluation, whose first EvalEpisodes episodes are
// also the curve's last point (same seeds, deterministic student), and the
// baselines on the same seeds.
func (r *runner) final() (err error) {
	if err := r.joinEval(); err != nil {
		return err
	}
	if err := r.ctx.Err(); err != nil {
		return err
	}
	eps := r.cfg.FinalEvalEpisodes
	t := time.Now()
	finalVenv := r.evalVenv
	r.prepareFinal()
	if r.finalMade != nil {
		v, verr := r.finalMade.wait()
		r.finalMade = nil // final's now: Execute must not discard it
		if verr != nil {
			return fmt.Errorf("making the final evaluation's environments: %w", verr)
		}
		n := finalCopies(r.cfg)
		if got := v.NumEnvs(); got != n {
			v.Close()
			return fmt.Errorf("final evaluation vector env has %d copies, want %d", got, n)
		}
		defer closeInto(v, "final evaluation", &err)
		finalVenv = v
	}
	ep, err := rollout.Evaluate(finalVenv, r.Student, eps, r.cfg.FirstEvalSeed())
	r.timing.Eval += time.Since(t)
	if err != nil {
		return fmt.Errorf("final evaluation of the student: %w", err)
	}
	r.res.Final = newEvaluation(r.cfg.FirstEvalSeed(), ep)
	r.res.Updates = r.updates
	r.res.Size = r.Student.Size()
	if s, ok := r.Student.(framework.Structural); ok {
		r.res.Events = maps.Clone(s.StructureEvents())
		if r.res.Events == nil {
			r.res.Events = map[string]int{}
		}
	}
	if eps >= r.cfg.EvalEpisodes {
		r.addPoint(ep.Returns[:r.cfg.EvalEpisodes])
	} else if err := r.evalPoint(); err != nil {
		return err
	} else if err := r.joinEval(); err != nil {
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
		if len(r.res.Teacher.Returns) != eps || r.res.Teacher.Seed != r.cfg.FirstEvalSeed() {
			return fmt.Errorf("the teacher's baseline has %d episodes from seed %d, want %d from %d",
				len(r.res.Teacher.Returns), r.res.Teacher.Seed, eps, r.cfg.FirstEvalSeed())
		}
	} else {
		tep, err := rollout.Evaluate(finalVenv, r.Teacher, eps, r.cfg.FirstEvalSeed())
		if err != nil {
			return fmt.Errorf("evaluating the teacher: %w", err)
		}
		r.res.Teacher = newEvaluation(r.cfg.FirstEvalSeed(), tep)
	}
	if err := r.ctx.Err(); err != nil {
		return err
	}
	rnd := rollout.RandomPolicy(r.spec.ActionSpace, r.res.Seeds.Random)
	rep, err := rollout.Evaluate(r.evalVenv, rnd, eps, r.cfg.FirstEvalSeed())
	if err != nil {
		return fmt.Errorf("evaluating the random policy: %w", err)
	}
	r.res.Random = newEvaluation(r.cfg.FirstEvalSeed(), rep)
	return nil
}

// EvaluateTeacher measures a teacher on the final evaluation's seeds
// exactly as Execute does, for Run.TeacherBaseline.
func EvaluateTeacher(env VectorEnvMaker, teacher framework.Policy, cfg Config) (ev Evaluation, err error) {
	if err := cfg.Validate(); err != nil {
		return Evaluation{}, err
	}
	venv, err := env(finalCopies(cfg))
	if err != nil {
		return Evaluation{}, fmt.Errorf("making the evaluation environments: %w", err)
	}
	defer closeInto(venv, "evaluation", &err)
	ep, err := rollout.Evaluate(venv, teacher, cfg.FinalEvalEpisodes, cfg.FirstEvalSeed())
	if err != nil {
		return Evaluation{}, fmt.Errorf("evaluating the teacher: %w", err)
	}
	return newEvaluation(cfg.FirstEvalSeed(), ep), nil
}
