// Package toy holds small, fast, deterministic components for testing the
// plugin machinery before (and independently of) the real environments and
// students: an environment, a teacher and a student.
package toy

import (
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"io"
	"math"
	"math/rand/v2"

	"github.com/smgrnn/arena/framework"
)

// EnvID, TeacherName and StudentKind are what Register adds.
const (
	EnvID       = "Toy-v0"
	TeacherName = "toy"
	StudentKind = "toy"
)

// Register adds the toy components to the framework registries (once per
// binary).
func Register() {
	framework.RegisterEnv(EnvID, func() (framework.Env, error) { return NewEnv(), nil })
	framework.RegisterTeacher(TeacherName, func(env framework.EnvSpec, arg string) (framework.Teacher, error) {
		return NewTeacher(env)
	})
	framework.RegisterStudent(StudentKind, func(cfg framework.StudentConfig) (framework.Student, error) {
		return NewStudent(cfg)
	})
}

// Env is a noisy 1-D walk: obs (x, v), action 0 pushes left, 1 right; the
// episode terminates when |x| > 1 and is truncated after 50 steps.
type Env struct {
	rng        *rand.Rand
	x, v       float64
	steps      int
	started    bool
	spec       framework.EnvSpec
	actionSpce *framework.Discrete
}

// NewEnv returns an unstarted Env.
func NewEnv() *Env {
	th := 40.0
	act := &framework.Discrete{N: 2}
	return &Env{rng: rand.New(rand.NewPCG(0, 0)), actionSpce: act, spec: framework.EnvSpec{ID: EnvID,
		ObservationSpace: framework.NewBox([]float64{-2, -math.Inf(1)}, []float64{2, math.Inf(1)}),
		ActionSpace:      act, MaxEpisodeSteps: 50, RewardThreshold: &th}}
}

// Spec implements framework.Env.
func (e *Env) Spec() framework.EnvSpec { return e.spec }

// Reset implements framework.Env.
func (e *Env) Reset(seed *uint64) ([]float64, error) {
	if seed != nil {
		e.rng = rand.New(rand.NewPCG(*seed, 7))
	}
	e.x, e.v = float64(float32(0.2*e.rng.Float64()-0.1)), 0
	e.steps, e.started = 0, true
	return []float64{e.x, e.v}, nil
}

// Step implements framework.Env.
func (e *Env) Step(action []float64) (framework.Step, error) {
	if !e.started {
		return framework.Step{}, framework.ErrNeedsReset
	}
	if !e.actionSpce.Contains(action) {
		return framework.Step{}, &framework.ActionError{Action: action, Space: e.actionSpce}
	}
	push := -0.05
	if action[0] == 1 {
		push = 0.05
	}
	e.v = float64(float32(0.9*e.v + push + 0.02*e.rng.NormFloat64()))
	e.x = float64(float32(e.x + e.v))
	e.steps++
	st := framework.Step{Obs: []float64{e.x, e.v}, Reward: 1, Terminated: math.Abs(e.x) > 1}
	st.Truncated = !st.Terminated && e.steps >= e.spec.MaxEpisodeSteps
	if st.Done() {
		e.started = false
	}
	return st, nil
}

// Close implements framework.Env.
func (e *Env) Close() error { return nil }

// Render implements framework.Renderer: a dot on a line.
func (e *Env) Render() (framework.Image, error) {
	img := image.NewRGBA(image.Rect(0, 0, 40, 8))
	px := int((e.x + 2) / 4 * 39)
	for y := range 8 {
		img.Set(max(0, min(39, px)), y, color.RGBA{255, 0, 0, 255})
	}
	return img, nil
}

// Teacher pushes towards the centre with a soft distribution.
type Teacher struct{ obs, act framework.Space }

// NewTeacher returns the toy teacher for the toy environment.
func NewTeacher(env framework.EnvSpec) (*Teacher, error) {
	if env.ID != EnvID {
		return nil, fmt.Errorf("the toy teacher only knows %s, not %s", EnvID, env.ID)
	}
	return &Teacher{obs: env.ObservationSpace, act: env.ActionSpace}, nil
}

// Spaces implements framework.Teacher.
func (t *Teacher) Spaces() (obs, act framework.Space) { return t.obs, t.act }

// Act implements framework.Policy.
func (t *Teacher) Act(obs []float64, n int, actions []float64) error {
	for i := range n {
		actions[i] = 0
		if obs[2*i]+obs[2*i+1] < 0 {
			actions[i] = 1
		}
	}
	return nil
}

// Label implements framework.Teacher.
func (t *Teacher) Label(obs []float64, n int, out *framework.Labels) error {
	out.Actions = framework.Resize(out.Actions, n)
	out.Probs = framework.Resize(out.Probs, 2*n)
	out.Mean, out.Std = nil, nil
	if err := t.Act(obs, n, out.Actions); err != nil {
		return err
	}
	for i := range n {
		p := 1 / (1 + math.Exp(5*(obs[2*i]+obs[2*i+1])))
		out.Probs[2*i], out.Probs[2*i+1] = 1-p, p
	}
	return nil
}

// Student is logistic regression with two logits, trained by plain SGD on
// cross-entropy (or KL to the teacher's probabilities).
type Student struct {
	W      [6]float64 // 2 logits × (2 inputs + bias)
	Steps  int
	lr     float64
	obsDim int
}

// NewStudent builds a toy student; Params may set "scale" (initial weight
// scale, a float) and "steps" (an integer added to Steps, to test settings
// crossing the wire with their types).
func NewStudent(cfg framework.StudentConfig) (*Student, error) {
	if err := cfg.Params.CheckKnown("scale", "steps"); err != nil {
		return nil, err
	}
	scale, err := cfg.Params.Float("scale", 0.1)
	if err != nil {
		return nil, err
	}
	steps, err := cfg.Params.Int("steps", 0)
	if err != nil {
		return nil, err
	}
	if cfg.ObservationSpace.Dim() != 2 {
		return nil, fmt.Errorf("toy student needs 2 observations, got %d", cfg.ObservationSpace.Dim())
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, 1))
	s := &Student{Steps: steps, lr: cfg.Adam.LearningRate, obsDim: 2}
	for i := range s.W {
		s.W[i] = scale * rng.NormFloat64()
	}
	return s, nil
}

func (s *Student) logits(o []float64) (float64, float64) {
	return s.W[0]*o[0] + s.W[1]*o[1] + s.W[2], s.W[3]*o[0] + s.W[4]*o[1] + s.W[5]
}

// Act implements framework.Policy.
func (s *Student) Act(obs []float64, n int, actions []float64) error {
	for i := range n {
		a, b := s.logits(obs[2*i : 2*i+2])
		actions[i] = 0
		if b > a {
			actions[i] = 1
		}
	}
	return nil
}

// Train implements framework.Student.
func (s *Student) Train(b framework.Batch) (float64, error) {
	var g [6]float64
	loss := 0.0
	for i := range b.N {
		o := b.Obs[2*i : 2*i+2]
		a, c := s.logits(o)
		m := math.Max(a, c)
		za, zc := math.Exp(a-m), math.Exp(c-m)
		pa, pc := za/(za+zc), zc/(za+zc)
		ta, tc := 1.0, 0.0
		if b.Labels.Actions[i] == 1 {
			ta, tc = 0, 1
		}
		if b.Labels.Probs != nil {
			ta, tc = b.Labels.Probs[2*i], b.Labels.Probs[2*i+1]
		}
		loss -= ta*math.Log(pa+1e-12) + tc*math.Log(pc+1e-12)
		da, dc := pa-ta, pc-tc
		g[0] += da * o[0]
		g[1] += da * o[1]
		g[2] += da
		g[3] += dc * o[0]
		g[4] += dc * o[1]
		g[5] += dc
	}
	for i := range s.W {
		s.W[i] -= s.lr * g[i] / float64(b.N)
	}
	s.Steps++
	return loss / float64(b.N), nil
}

// Size implements framework.Student.
func (s *Student) Size() framework.Size { return framework.Size{Params: 6, Edges: 4} }

// Save implements framework.Student.
func (s *Student) Save(w io.Writer) error { return json.NewEncoder(w).Encode(s) }

// Load implements framework.Student.
func (s *Student) Load(r io.Reader) error { return json.NewDecoder(r).Decode(s) }

// StructureEvents implements framework.Structural: the toy counts its
// training steps as "train" events.
func (s *Student) StructureEvents() map[string]int { return map[string]int{"train": s.Steps} }

// DOT implements framework.Structural.
func (s *Student) DOT(w io.Writer) error {
	_, err := fmt.Fprintf(w, "digraph toy { x -> y [label=%q] }\n", fmt.Sprint(s.W[0]))
	return err
}
