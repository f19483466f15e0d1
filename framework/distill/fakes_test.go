package distill

import (
	"encoding/binary"
	"errors"
	"io"
	"math"
	"math/rand/v2"
	"sync"

	"github.com/smgrnn/arena/framework"
)

// lineEnv is a toy unstable system: x drifts away from 0 and the action
// pushes it left (0) or right (1); the episode terminates when |x| > 1.5 and
// is truncated after 50 steps. Reward 1 per step, so keeping x near 0 is the
// whole task. It writes in place, so vector stepping does not allocate.
type lineEnv struct {
	rng    *rand.Rand
	x      float64
	t      int
	live   bool
	log    *resetLog
	closed bool
}

// resetLog records the seeds of every seeded reset, for the held-out test.
type resetLog struct {
	n     int // copies
	mu    sync.Mutex
	seeds []uint64
	steps int // environment steps (single copies)
}

// trainingLog returns the log of the training vector, the one reset
// below EvalSeedBase, and the first other one of n copies.
func trainingLog(logs []*resetLog, n int) (train, other *resetLog) {
	for _, l := range logs {
		if len(l.seeds) > 0 && l.seeds[0] < EvalSeedBase {
			train = l
		} else if other == nil && l.n == n {
			other = l
		}
	}
	return train, other
}

func (l *resetLog) seeded(s uint64) {
	if l == nil {
		return
	}
	l.mu.Lock()
	l.seeds = append(l.seeds, s)
	l.mu.Unlock()
}

const lineMax = 50

var lineSpec = framework.EnvSpec{
	ID:               "Line-v0",
	ObservationSpace: framework.NewBox([]float64{math.Inf(-1)}, []float64{math.Inf(1)}),
	ActionSpace:      &framework.Discrete{N: 2},
	MaxEpisodeSteps:  lineMax,
}

func (e *lineEnv) Spec() framework.EnvSpec { return lineSpec }

func (e *lineEnv) Reset(seed *uint64) ([]float64, error) {
	obs := make([]float64, 1)
	return obs, e.ResetInto(seed, obs)
}

func (e *lineEnv) ResetInto(seed *uint64, obs []float64) error {
	if seed != nil {
		e.rng = rand.New(rand.NewPCG(*seed, 7))
		e.log.seeded(*seed)
	} else if e.rng == nil {
		e.rng = rand.New(rand.NewPCG(0, 7))
	}
	e.x = float64(float32(2*e.rng.Float64() - 1))
	e.t, e.live = 0, true
	obs[0] = e.x
	return nil
}

func (e *lineEnv) Step(a []float64) (framework.Step, error) {
	obs := make([]float64, 1)
	r, term, trunc, err := e.StepInto(a, obs)
	return framework.Step{Obs: obs, Reward: r, Terminated: term, Truncated: trunc}, err
}

func (e *lineEnv) StepInto(a []float64, obs []float64) (float64, bool, bool, error) {
	if !e.live {
		return 0, false, false, framework.ErrNeedsReset
	}
	if len(a) != 1 || (a[0] != 0 && a[0] != 1) {
		return 0, false, false, &framework.ActionError{Action: a, Space: lineSpec.ActionSpace}
	}
	push := -0.25
	if a[0] == 1 {
		push = 0.25
	}
	e.x = float64(float32(1.2*e.x + push + 0.1*(e.rng.Float64()-0.5)))
	e.t++
	if e.log != nil {
		e.log.mu.Lock()
		e.log.steps++
		e.log.mu.Unlock()
	}
	obs[0] = e.x
	term := math.Abs(e.x) > 1.5
	trunc := !term && e.t >= lineMax
	e.live = !term && !trunc
	return 1, term, trunc, nil
}

func (e *lineEnv) Close() error { e.closed = true; return nil }

// lineEnvs returns a maker of vector line envs; logs records each vector
// env made, in the order made (a run makes its vectors concurrently: see
// trainingLog).
func lineEnvs(logs *[]*resetLog) VectorEnvMaker {
	var mu sync.Mutex // a run makes its vectors concurrently
	return func(n int) (framework.VectorEnv, error) {
		var log *resetLog
		if logs != nil {
			log = &resetLog{n: n}
			mu.Lock()
			*logs = append(*logs, log)
			mu.Unlock()
		}
		envs := make([]framework.Env, n)
		for i := range envs {
			envs[i] = &lineEnv{log: log}
		}
		return framework.NewSyncVectorEnv(envs)
	}
}

// lineTeacher pushes x back towards 0 and gives soft probabilities, so the
// student's KL target is informative.
type lineTeacher struct {
	labels int // Label calls
	rows   int // observations labelled
	// soft gives probabilities with the actions.
	soft bool
	// fail, when set, is returned by Label.
	fail error
	// short labels one row fewer than asked, a malformed teacher.
	short bool
}

func (t *lineTeacher) Spaces() (obs, act framework.Space) {
	return lineSpec.ObservationSpace, lineSpec.ActionSpace
}

func (t *lineTeacher) Act(obs []float64, n int, actions []float64) error {
	for i := 0; i < n; i++ {
		actions[i] = 0
		if obs[i] < 0 {
			actions[i] = 1
		}
	}
	return nil
}

func (t *lineTeacher) Label(obs []float64, n int, out *framework.Labels) error {
	t.labels++
	t.rows += n
	if t.fail != nil {
		return t.fail
	}
	out.Actions = framework.Resize(out.Actions, n)
	if err := t.Act(obs, n, out.Actions); err != nil {
		return err
	}
	if t.short {
		out.Actions = out.Actions[:n-1]
	}
	out.Mean, out.Std = nil, nil
	if !t.soft {
		out.Probs = nil
		return nil
	}
	out.Probs = framework.Resize(out.Probs, 2*n)
	for i := 0; i < n; i++ {
		p1 := 1 / (1 + math.Exp(8*obs[i]))
		out.Probs[2*i], out.Probs[2*i+1] = 1-p1, p1
	}
	return nil
}

// linearStudent is logistic regression on x: P(a=1) = σ(w·x + b), trained by
// plain gradient descent on cross-entropy to the teacher's probabilities (or
// its action). It counts its calls.
type linearStudent struct {
	w, b      float64
	lr        float64
	acts      int
	trains    int
	failAfter int // Train returns an error on this call (0: never)
	nanAfter  int // Train returns NaN on this call (0: never)
	onTrain   func()
	failSave  bool
	closed    bool
}

// Close lets the tests check that Execute closes a student's copy.
func (s *linearStudent) Close() error { s.closed = true; return nil }

func newLinearStudent(seed uint64) *linearStudent {
	rng := rand.New(rand.NewPCG(seed, 3))
	return &linearStudent{w: rng.NormFloat64() * 0.1, b: rng.NormFloat64() * 0.1, lr: 0.5}
}

func (s *linearStudent) Act(obs []float64, n int, actions []float64) error {
	s.acts++
	for i := 0; i < n; i++ {
		actions[i] = 0
		if s.w*obs[i]+s.b > 0 {
			actions[i] = 1
		}
	}
	return nil
}

func (s *linearStudent) Train(bt framework.Batch) (float64, error) {
	s.trains++
	if s.onTrain != nil {
		s.onTrain()
	}
	if s.failAfter > 0 && s.trains == s.failAfter {
		return 0, errors.New("student exploded on purpose")
	}
	if s.nanAfter > 0 && s.trains == s.nanAfter {
		return math.NaN(), nil
	}
	var gw, gb, loss float64
	for i := 0; i < bt.N; i++ {
		x := bt.Obs[i]
		p := 1 / (1 + math.Exp(-(s.w*x + s.b)))
		y := bt.Labels.Actions[i]
		if bt.Labels.Probs != nil {
			y = bt.Labels.Probs[2*i+1]
		}
		loss -= y*math.Log(p+1e-12) + (1-y)*math.Log(1-p+1e-12)
		gw += (p - y) * x
		gb += p - y
	}
	n := float64(bt.N)
	s.w -= s.lr * gw / n
	s.b -= s.lr * gb / n
	return loss / n, nil
}

func (s *linearStudent) Size() framework.Size { return framework.Size{Params: 2, Edges: 1} }

func (s *linearStudent) Save(w io.Writer) error {
	if s.failSave {
		return errors.New("disk full")
	}
	return binary.Write(w, binary.LittleEndian, [2]float64{s.w, s.b})
}

func (s *linearStudent) Load(r io.Reader) error {
	var wb [2]float64
	if err := binary.Read(r, binary.LittleEndian, &wb); err != nil {
		return err
	}
	s.w, s.b = wb[0], wb[1]
	return nil
}

// structuralStudent is a linearStudent that claims to change its topology.
type structuralStudent struct{ *linearStudent }

func (s structuralStudent) StructureEvents() map[string]int {
	return map[string]int{"insert": s.trains / 100}
}
func (s structuralStudent) DOT(w io.Writer) error { return nil }
