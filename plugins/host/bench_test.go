package host

import (
	"errors"
	"fmt"
	"testing"

	"github.com/smgrnn/arena/framework"
	"github.com/smgrnn/arena/plugins/internal/toy"
)

// BenchmarkVectorStep measures one Step of N toy copies in process, through
// a plugin's channel, and through one unary call per step.
func BenchmarkVectorStep(b *testing.B) {
	modes := []struct {
		name    string
		inProc  bool
		command []string
	}{
		{"in-process", true, nil},
		{"plugin-channel", false, []string{testPlugin, "-fault=serve"}},
		{"plugin-unary", false, []string{testPlugin, "-fault=none", "-no-channel"}},
	}
	for _, m := range modes {
		for _, n := range []int{1, 64} {
			b.Run(fmt.Sprintf("%s/N=%d", m.name, n), func(b *testing.B) {
				h := New(quietLogger(), Options{NoSignalHandler: true, BuiltinCommand: m.command})
				defer h.Close()
				vec, err := h.Builtin(m.inProc).MakeVectorEnv(toy.EnvID, n)
				if err != nil {
					b.Fatal(err)
				}
				defer vec.Close()
				if _, err := vec.Reset(framework.Seed(0)); err != nil {
					b.Fatal(err)
				}
				actions := make([]float64, n)
				for i := range actions {
					actions[i] = float64(i % 2)
				}
				for b.Loop() {
					if _, err := vec.Step(actions); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(b.N*n)/b.Elapsed().Seconds(), "steps/s")
			})
		}
	}
}

// BenchmarkTrain measures one toy minibatch of 256 in process and through
// a plugin: the cost of the call, since the toy trains in microseconds.
func BenchmarkTrain(b *testing.B) {
	for _, inProc := range []bool{true, false} {
		b.Run(fmt.Sprintf("in-process=%v", inProc), func(b *testing.B) {
			h := New(quietLogger(), Options{NoSignalHandler: true, BuiltinCommand: []string{testPlugin, "-fault=serve"}})
			defer h.Close()
			p := h.Builtin(inProc)
			env := toy.NewEnv()
			spec := env.Spec()
			s, err := p.MakeStudent(toy.StudentKind, framework.StudentConfig{ObservationSpace: spec.ObservationSpace,
				ActionSpace: spec.ActionSpace, Seed: 1, Adam: framework.DefaultAdam()})
			if err != nil {
				b.Fatal(err)
			}
			defer closeIfCloser(s)
			const n = 256
			batch := framework.Batch{Obs: make([]float64, 2*n), N: n, Labels: framework.Labels{Actions: make([]float64, n)}}
			for b.Loop() {
				if _, err := s.Train(batch); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N*n)/b.Elapsed().Seconds(), "samples/s")
		})
	}
}

// BenchmarkCollectStep measures one vector step of collection through
// plugins (8 toy copies, a toy teacher and a toy student, each in its own
// process), called the ways distill can call them: the teacher labels and
// then the env steps ("label"); the student acts and then the env steps
// ("act", a step where no copy behaves as the teacher); the student acts
// while the teacher labels, split in two calls on one goroutine ("split")
// or handed to another goroutine ("handoff"), and then the env steps.
func BenchmarkCollectStep(b *testing.B) {
	const n = 8
	for _, mode := range []string{"label", "act", "split", "handoff"} {
		b.Run(mode, func(b *testing.B) {
			h := New(quietLogger(), Options{NoSignalHandler: true, BuiltinCommand: []string{testPlugin, "-fault=serve"}})
			defer h.Close()
			p := h.Builtin(false)
			vec, err := p.MakeVectorEnv(toy.EnvID, n)
			if err != nil {
				b.Fatal(err)
			}
			defer vec.Close()
			spec := vec.Spec()
			teacher, err := p.MakeTeacher(toy.TeacherName, spec)
			if err != nil {
				b.Fatal(err)
			}
			defer closeIfCloser(teacher)
			s, err := p.MakeStudent(toy.StudentKind, framework.StudentConfig{ObservationSpace: spec.ObservationSpace,
				ActionSpace: spec.ActionSpace, Seed: 1, Adam: framework.DefaultAdam()})
			if err != nil {
				b.Fatal(err)
			}
			defer closeIfCloser(s)
			student := s.(framework.ActStarter)
			obs, err := vec.Reset(framework.Seed(0))
			if err != nil {
				b.Fatal(err)
			}
			var labels framework.Labels
			acts := make([]float64, n)
			ask, done := make(chan []float64), make(chan error)
			go func() {
				for o := range ask {
					done <- student.Act(o, n, acts)
				}
			}()
			defer close(ask)
			for b.Loop() {
				var err error
				switch mode {
				case "label":
					err = teacher.Label(obs, n, &labels)
				case "act":
					err = student.Act(obs, n, acts)
				case "split":
					if err = student.StartAct(obs, n); err == nil {
						err = errors.Join(teacher.Label(obs, n, &labels), student.FinishAct(acts))
					}
				case "handoff":
					ask <- obs
					err = errors.Join(teacher.Label(obs, n, &labels), <-done)
				}
				if err != nil {
					b.Fatal(err)
				}
				st, err := vec.Step(acts)
				if err != nil {
					b.Fatal(err)
				}
				obs = st.Obs
			}
		})
	}
}
