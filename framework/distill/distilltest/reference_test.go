package distilltest_test

import (
	"context"
	"testing"

	_ "github.com/smgrnn/arena/agents/mlp"
	_ "github.com/smgrnn/arena/agents/smgrnn"
	_ "github.com/smgrnn/arena/envs"
	"github.com/smgrnn/arena/framework"
	"github.com/smgrnn/arena/framework/distill"
	"github.com/smgrnn/arena/framework/distill/distilltest"
	_ "github.com/smgrnn/arena/teachers/expert"
)

// kinds are the student kinds the reference test covers, with small
// settings.
var kinds = []struct {
	Kind   string
	Params framework.Params
}{
	{"mlp", framework.Params{"hidden": []any{int64(8)}}},
	{"smgrnn", framework.Params{"strategy": "paper"}},
}

// TestExecuteEqualsReference runs Execute and Reference on every built-in
// environment with both student kinds, in process, and asks for the same
// result to the bit. Execute runs with a student copy, so the curve's
// evaluations play in the background, and with a final evaluation vector
// larger than the evaluation vector.
func TestExecuteEqualsReference(t *testing.T) {
	for _, id := range framework.EnvIDs() {
		for _, k := range kinds {
			t.Run(id+"/"+k.Kind, func(t *testing.T) {
				t.Parallel()
				spec := specOf(t, id)
				newStudent := func() (framework.Student, error) {
					return framework.MakeStudent(k.Kind, framework.StudentConfig{ObservationSpace: spec.ObservationSpace,
						ActionSpace: spec.ActionSpace, Seed: 5, Adam: framework.DefaultAdam(), Params: k.Params})
				}
				mk := func() distill.Run {
					teacher, err := framework.MakeTeacher("expert", spec)
					if err != nil {
						t.Fatal(err)
					}
					student, err := newStudent()
					if err != nil {
						t.Fatal(err)
					}
					return distill.Run{Env: distill.RegisteredEnv(id), Teacher: teacher, Student: student,
						Seed: 11, Config: distilltest.SmallConfig()}
				}
				run := mk()
				run.StudentCopy = newStudent
				got, err := run.Execute(context.Background())
				if err != nil {
					t.Fatal(err)
				}
				want, err := distilltest.Reference(mk())
				if err != nil {
					t.Fatal(err)
				}
				distilltest.Same(t, got, want)
			})
		}
	}
}

func specOf(t *testing.T, id string) framework.EnvSpec {
	t.Helper()
	e, err := framework.MakeEnv(id)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	return e.Spec()
}

// TestSameBites checks that Same notices one bit.
func TestSameBites(t *testing.T) {
	a := &distill.Result{Env: "X", Curve: []distill.Point{{ReturnMean: 1}}}
	b := &distill.Result{Env: "X", Curve: []distill.Point{{ReturnMean: 1.0000000000000002}}}
	ft := &fakeT{}
	distilltest.Same(ft, a, b)
	if !ft.failed {
		t.Error("Same let results one ulp apart pass")
	}
}

type fakeT struct {
	testing.TB
	failed bool
}

func (f *fakeT) Helper()               {}
func (f *fakeT) Fatalf(string, ...any) { f.failed = true }
func (f *fakeT) Errorf(string, ...any) { f.failed = true }
