package main

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/smgrnn/arena/framework"
)

// constTeacher always takes action 1 and says so with certainty.
type constTeacher struct{ obs, act framework.Space }

func (c constTeacher) Act(obs []float64, n int, actions []float64) error {
	for i := range n {
		actions[i] = 1
	}
	return nil
}

func (c constTeacher) Spaces() (framework.Space, framework.Space) { return c.obs, c.act }

func (c constTeacher) Label(obs []float64, n int, out *framework.Labels) error {
	out.Actions = framework.Resize(out.Actions, n)
	out.Probs, out.Mean, out.Std = nil, nil, nil
	return c.Act(obs, n, out.Actions)
}

func init() {
	framework.RegisterTeacher("test-const", func(env framework.EnvSpec, arg string) (framework.Teacher, error) {
		if arg == "fail" {
			return nil, errors.New("no checkpoint at fail")
		}
		return constTeacher{env.ObservationSpace, env.ActionSpace}, nil
	})
	framework.RegisterTeacher("test-wrong-spaces", func(env framework.EnvSpec, arg string) (framework.Teacher, error) {
		return constTeacher{env.ObservationSpace, &framework.Discrete{N: 7}}, nil
	})
}

func cartPoleSpec(t *testing.T) framework.EnvSpec {
	t.Helper()
	env, err := framework.MakeEnv("CartPole-v1")
	if err != nil {
		t.Fatal(err)
	}
	return env.Spec()
}

// actions asks p for n actions of dimension d for zero observations.
func actions(t *testing.T, p framework.Policy, n, d, obsDim int) []float64 {
	t.Helper()
	a := make([]float64, n*d)
	if err := p.Act(make([]float64, n*obsDim), n, a); err != nil {
		t.Fatal(err)
	}
	return a
}

func TestRandomPolicy(t *testing.T) {
	for _, id := range []string{"CartPole-v1", "Pendulum-v1", "MountainCarContinuous-v0", "Acrobot-v1"} {
		env, err := framework.MakeEnv(id)
		if err != nil {
			t.Fatal(err)
		}
		spec := env.Spec()
		d, od := spec.ActionSpace.Dim(), spec.ObservationSpace.Dim()
		p1, err := policyFromSpec("random", spec, 7)
		if err != nil {
			t.Fatal(err)
		}
		p2, _ := policyFromSpec("random", spec, 7)
		p3, _ := policyFromSpec("random", spec, 8)
		const n = 64
		a1, a2, a3 := actions(t, p1, n, d, od), actions(t, p2, n, d, od), actions(t, p3, n, d, od)
		if !slices.Equal(a1, a2) {
			t.Errorf("%s: same seed, different actions", id)
		}
		if slices.Equal(a1, a3) {
			t.Errorf("%s: seeds 7 and 8 gave the same %d actions", id, n)
		}
		for i := range n {
			if row := a1[i*d : (i+1)*d]; !spec.ActionSpace.Contains(row) {
				t.Errorf("%s: action %v outside %s", id, row, spec.ActionSpace)
			}
		}
		if err := p1.Act(nil, 2, make([]float64, 2*d-1)); err == nil {
			t.Errorf("%s: too short an action buffer was accepted", id)
		}
	}
}

func TestTeacherPolicy(t *testing.T) {
	spec := cartPoleSpec(t)
	p, err := policyFromSpec("teacher:test-const", spec, 0)
	if err != nil {
		t.Fatal(err)
	}
	if a := actions(t, p, 3, 1, 4); !slices.Equal(a, []float64{1, 1, 1}) {
		t.Errorf("teacher actions %v, want all 1", a)
	}
	if _, err := policyFromSpec("teacher:test-const:somewhere", spec, 0); err != nil {
		t.Errorf("teacher with an argument: %v", err)
	}
}

func TestPolicySpecErrors(t *testing.T) {
	spec := cartPoleSpec(t)
	tests := []struct{ spec, want string }{
		{"", "empty policy"},
		{"randm", `unknown policy "randm"`},
		{"Random", `unknown policy "Random"`},
		{"teacher:", "names no teacher"},
		{"teacher::x", "names no teacher"},
		{"teacher:no-such-teacher", `unknown teacher "no-such-teacher"`},
		{"teacher:test-const:fail", "no checkpoint at fail"},
		{"teacher:test-wrong-spaces", "do not match"},
	}
	for _, tt := range tests {
		_, err := policyFromSpec(tt.spec, spec, 0)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("policyFromSpec(%q) = %v, want an error containing %q", tt.spec, err, tt.want)
		}
	}
	bad := spec
	bad.ActionSpace = &framework.Discrete{N: 0}
	if _, err := policyFromSpec("random", bad, 0); err == nil {
		t.Error("random policy on Discrete(0) was accepted")
	}
}
