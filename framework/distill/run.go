package distill

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/smgrnn/arena/framework"
)

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

// Execute runs the protocol: rounds of collection and training until the
// budget is spent, evaluations along the way, and a final evaluation with
// the teacher's and a random policy's returns on the same seeds. It stops
// promptly with ctx.Err() when ctx is cancelled. The Student is trained in
// place.
//
// This file holds the run's resources: making, checking and closing them.
// The protocol itself is protocol.go; what overlaps its calls without
// changing a number is act.go, pending.go, evaluate.go and prefetch.go.
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
	// to start. The final evaluation's is made during the last training
	// (finalEnv).
	trainMade, evalMade := makeEnvAsync(r.Env, ru.n), makeEnvAsync(r.Env, r.Config.EvalCopies())
	ru.finalEnv = finalEnv{maker: r.Env, cfg: r.Config}
	defer ru.finalEnv.discard() // unless final took it
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
	defer ru.acts.close()
	// Runs before the environments close: an evaluation in flight uses
	// the evaluation vector.
	defer func() {
		if werr := ru.evals.wait(); werr != nil && err == nil {
			err = werr
		}
		if cerr := ru.evals.close(); cerr != nil && err == nil {
			err = cerr
		}
	}()
	if err := ru.loop(); err != nil {
		return nil, err
	}
	ru.timing.Total = time.Since(start)
	ru.res.Timing = ru.timing
	return &ru.res, nil
}

// closeInto closes a vector env, reporting its error only when the run had
// none.
func closeInto(v framework.VectorEnv, what string, err *error) {
	if cerr := v.Close(); cerr != nil && *err == nil {
		*err = fmt.Errorf("closing the %s environments: %w", what, cerr)
	}
}

// setup checks that the parts fit together and allocates every buffer the
// protocol reuses.
func (r *runner) setup() error {
	r.spec = r.venv.Spec()
	if got := r.venv.NumEnvs(); got != r.n {
		return fmt.Errorf("training vector env has %d copies, the protocol asks for %d", got, r.n)
	}
	if got, want := r.evalVenv.NumEnvs(), r.cfg.EvalCopies(); got != want {
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
	r.actions = make([]float64, r.n*r.actDim)
	r.acts = newActer(r.Student, &r.timing)
	r.evals = newEvaluator(r.Run, r.evalVenv, &r.timing, r.addPoint)
	seeds := DeriveSeeds(r.Seed, r.cfg)
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

// EvaluateTeacher measures a teacher on the final evaluation's seeds
// exactly as Execute does, for Run.TeacherBaseline.
func EvaluateTeacher(env VectorEnvMaker, teacher framework.Policy, cfg Config) (ev Evaluation, err error) {
	if err := cfg.Validate(); err != nil {
		return Evaluation{}, err
	}
	venv, err := env(cfg.FinalCopies())
	if err != nil {
		return Evaluation{}, fmt.Errorf("making the evaluation environments: %w", err)
	}
	defer closeInto(venv, "evaluation", &err)
	return evaluate(venv, teacher, cfg.FinalEvalEpisodes, cfg.FirstEvalSeed(), "the teacher")
}
