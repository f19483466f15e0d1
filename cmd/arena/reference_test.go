package main

import (
	"context"
	"io"
	"testing"

	"github.com/hashicorp/go-hclog"

	"github.com/smgrnn/arena/framework"
	"github.com/smgrnn/arena/framework/distill"
	"github.com/smgrnn/arena/framework/distill/distilltest"
	"github.com/smgrnn/arena/plugins/host"
)

// TestExecuteOutOfProcessEqualsReference runs distill's Execute with every
// part in a plugin process ("arena plugin serve"), wired as a match wires
// it (prefetched vectors, the teacher's baseline measured apart, the
// curve's evaluations on a copy of the student), and the literal reference
// protocol in process, on every built-in environment with both student
// kinds, and asks for the same result to the bit.
func TestExecuteOutOfProcessEqualsReference(t *testing.T) {
	bin := builtArena(t)
	h := host.New(hclog.New(&hclog.LoggerOptions{Output: io.Discard, Level: hclog.Off}),
		host.Options{NoSignalHandler: true, BuiltinCommand: []string{bin, "plugin", "serve"}})
	defer h.Close()
	cfg := distilltest.SmallConfig()
	kinds := []struct {
		kind   string
		params framework.Params
	}{
		{"mlp", framework.Params{"hidden": []any{int64(8)}}},
		{"smgrnn", framework.Params{"strategy": "paper"}},
	}
	for _, id := range []string{"Acrobot-v1", "CartPole-v1", "MountainCar-v0", "MountainCarContinuous-v0", "Pendulum-v1"} {
		for _, k := range kinds {
			t.Run(id+"/"+k.kind, func(t *testing.T) {
				runOn := func(p host.Provider) distill.Run {
					maker := func(n int) (framework.VectorEnv, error) { return p.MakeVectorEnv(id, n) }
					probe, err := maker(1)
					if err != nil {
						t.Fatal(err)
					}
					spec := probe.Spec()
					probe.Close()
					teacher, err := p.MakeTeacher("expert", spec)
					if err != nil {
						t.Fatal(err)
					}
					t.Cleanup(func() { closeIt(teacher) })
					newStudent := func() (framework.Student, error) {
						return p.MakeStudent(k.kind, framework.StudentConfig{ObservationSpace: spec.ObservationSpace,
							ActionSpace: spec.ActionSpace, Seed: 5, Adam: framework.DefaultAdam(), Params: k.params})
					}
					student, err := newStudent()
					if err != nil {
						t.Fatal(err)
					}
					t.Cleanup(func() { closeIt(student) })
					return distill.Run{Env: maker, Teacher: teacher, Student: student, Seed: 11, Config: cfg,
						StudentCopy: newStudent}
				}
				run := runOn(h.Builtin(false))
				envs := distill.Prefetch(run.Env, cfg)
				defer envs.Close()
				teacherMaker := run.Env
				run.Env = envs.Make
				run.TeacherBaseline = func() (distill.Evaluation, error) {
					return distill.EvaluateTeacher(teacherMaker, run.Teacher, cfg)
				}
				got, err := run.Execute(context.Background())
				if err != nil {
					t.Fatal(err)
				}
				want, err := distilltest.Reference(runOn(h.Builtin(true)))
				if err != nil {
					t.Fatal(err)
				}
				distilltest.Same(t, got, want)
			})
		}
	}
}
