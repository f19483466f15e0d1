package match

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"

	"github.com/smgrnn/arena/framework"
)

// line1D is a toy env: a point on [-1, 1] pushed left (0) or right (1) by
// 0.1; reward -|x|; 20 steps per episode.
type line1D struct {
	x     float64
	t     int
	rng   *rand.Rand
	ended bool
}

func (e *line1D) Spec() framework.EnvSpec {
	return framework.EnvSpec{ID: "Line-v0", ObservationSpace: framework.NewBox([]float64{-1}, []float64{1}),
		ActionSpace: &framework.Discrete{N: 2}, MaxEpisodeSteps: 20}
}

func (e *line1D) Reset(seed *uint64) ([]float64, error) {
	if seed != nil || e.rng == nil {
		var s uint64
		if seed != nil {
			s = *seed
		}
		e.rng = rand.New(rand.NewPCG(s, 1))
	}
	e.x, e.t, e.ended = e.rng.Float64()*2-1, 0, false
	return []float64{e.x}, nil
}

func (e *line1D) Step(a []float64) (framework.Step, error) {
	if e.ended || e.rng == nil {
		return framework.Step{}, framework.ErrNeedsReset
	}
	if len(a) != 1 || (a[0] != 0 && a[0] != 1) {
		return framework.Step{}, &framework.ActionError{Action: a, Space: e.Spec().ActionSpace}
	}
	e.x = math.Max(-1, math.Min(1, e.x+0.2*a[0]-0.1))
	e.t++
	e.ended = e.t >= 20
	return framework.Step{Obs: []float64{e.x}, Reward: -math.Abs(e.x), Truncated: e.ended}, nil
}

func (e *line1D) Close() error { return nil }

type lineTeacher struct{}

func (lineTeacher) Spaces() (framework.Space, framework.Space) {
	s := (&line1D{}).Spec()
	return s.ObservationSpace, s.ActionSpace
}

func (t lineTeacher) Act(obs []float64, n int, actions []float64) error {
	for i := range n {
		actions[i] = 0
		if obs[i] < 0 {
			actions[i] = 1
		}
	}
	return nil
}

func (t lineTeacher) Label(obs []float64, n int, out *framework.Labels) error {
	out.Actions = framework.Resize(out.Actions, n)
	out.Probs, out.Mean, out.Std = nil, nil, nil
	return t.Act(obs, n, out.Actions)
}

// logistic is a toy student: P(right) = sigmoid(w x + b), trained by SGD.
type logistic struct {
	W, B float64
	lr   float64
}

func newLogistic(cfg framework.StudentConfig) (framework.Student, error) {
	if err := cfg.Params.CheckKnown("lr"); err != nil {
		return nil, err
	}
	lr, err := cfg.Params.Float("lr", 0.5)
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, 2))
	return &logistic{W: rng.NormFloat64() * 0.1, B: rng.NormFloat64() * 0.1, lr: lr}, nil
}

func (s *logistic) Act(obs []float64, n int, actions []float64) error {
	for i := range n {
		actions[i] = 0
		if s.W*obs[i]+s.B > 0 {
			actions[i] = 1
		}
	}
	return nil
}

func (s *logistic) Train(b framework.Batch) (float64, error) {
	var loss, gw, gb float64
	for i := range b.N {
		p := 1 / (1 + math.Exp(-(s.W*b.Obs[i] + s.B)))
		y := b.Labels.Actions[i]
		loss -= y*math.Log(p+1e-12) + (1-y)*math.Log(1-p+1e-12)
		gw += (p - y) * b.Obs[i]
		gb += p - y
	}
	n := float64(b.N)
	s.W -= s.lr * gw / n
	s.B -= s.lr * gb / n
	return loss / n, nil
}

func (s *logistic) Size() framework.Size   { return framework.Size{Params: 2, Edges: 1} }
func (s *logistic) Save(w io.Writer) error { return json.NewEncoder(w).Encode(s) }
func (s *logistic) Load(r io.Reader) error { return json.NewDecoder(r).Decode(s) }

// fakes serves the toy components; failStudent makes every student of that
// name fail to build, to test failed runs.
type fakes struct{ failKind, panicKind string }

func (f fakes) ForEnv(e EnvEntry) (Components, error)         { return f, nil }
func (f fakes) ForStudent(s StudentEntry) (Components, error) { return f, nil }

func (f fakes) MakeVectorEnv(id string, n int) (framework.VectorEnv, error) {
	if id != "Line-v0" {
		return nil, fmt.Errorf("unknown environment %q (known: Line-v0)", id)
	}
	envs := make([]framework.Env, n)
	for i := range envs {
		envs[i] = &line1D{}
	}
	return framework.NewSyncVectorEnv(envs)
}

func (f fakes) MakeTeacher(spec string, env framework.EnvSpec) (framework.Teacher, error) {
	if spec != "expert" {
		return nil, fmt.Errorf("unknown teacher %q (known: expert)", spec)
	}
	return lineTeacher{}, nil
}

func (f fakes) MakeStudent(kind string, cfg framework.StudentConfig) (framework.Student, error) {
	switch kind {
	case "logistic":
		return newLogistic(cfg)
	case f.failKind:
		return &failing{}, nil
	case f.panicKind:
		return &panicking{}, nil
	}
	return nil, fmt.Errorf("unknown student kind %q (known: logistic)", kind)
}

// failing is a student whose training always fails, like a crashed plugin.
type failing struct{ logistic }

func (f *failing) Train(framework.Batch) (float64, error) { return 0, errors.New("plugin crashed") }

// panicking is a student with a bug: its training indexes out of range.
type panicking struct{ logistic }

func (p *panicking) Train(b framework.Batch) (float64, error) { return b.Obs[len(b.Obs)+1], nil }

func nanValue() float64 { return math.NaN() }
