package main

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/smgrnn/arena/framework"
	"github.com/smgrnn/arena/framework/checkpoint"
)

// randomPolicy acts by sampling the action space uniformly (Gymnasium's
// action_space.sample()), from its own seeded stream so an episode is
// reproducible.
type randomPolicy struct {
	space framework.Space
	rng   *rand.Rand
}

// Act implements framework.Policy: one sample per observation row.
func (p *randomPolicy) Act(obs []float64, n int, actions []float64) error {
	d := p.space.Dim()
	if n < 0 || len(actions) < n*d {
		return fmt.Errorf("random policy: %d action values cannot hold %d actions of %d values", len(actions), n, d)
	}
	for i := range n {
		p.space.Sample(p.rng, actions[i*d:(i+1)*d])
	}
	return nil
}

// policyFromSpec makes the policy a command line names for an environment:
//
//	random              samples the action space; its stream is a PCG
//	                    seeded by seed, so the same seed acts the same
//	teacher:NAME[:ARG]  the registered teacher NAME (framework.MakeTeacher),
//	                    e.g. teacher:expert or teacher:ppo:PATH
//	student:PATH        a trained student's checkpoint file, as a match
//	                    writes to <out>/students/<run>.json
//
// A teacher whose spaces differ from the environment's is an error, since
// its actions would not fit.
func policyFromSpec(spec string, env framework.EnvSpec, seed uint64) (framework.Policy, error) {
	if err := framework.Validate(env.ActionSpace); err != nil {
		return nil, fmt.Errorf("policy %q: environment %s: action space: %w", spec, env.ID, err)
	}
	switch {
	case spec == "random":
		return &randomPolicy{space: env.ActionSpace, rng: rand.New(rand.NewPCG(seed, 0))}, nil
	case strings.HasPrefix(spec, "teacher:"):
		name := strings.TrimPrefix(spec, "teacher:")
		if name == "" || strings.HasPrefix(name, ":") {
			return nil, fmt.Errorf("policy %q names no teacher (want teacher:NAME[:ARG]; teachers: %s)", spec, teacherList())
		}
		t, err := framework.MakeTeacher(name, env)
		if err != nil {
			return nil, fmt.Errorf("policy %q: %w", spec, err)
		}
		if t == nil {
			return nil, fmt.Errorf("policy %q: the teacher maker returned no teacher", spec)
		}
		obs, act := t.Spaces()
		if !framework.SameSpace(obs, env.ObservationSpace) || !framework.SameSpace(act, env.ActionSpace) {
			return nil, fmt.Errorf("policy %q: the teacher's spaces %s → %s do not match %s's %s → %s",
				spec, obs, act, env.ID, env.ObservationSpace, env.ActionSpace)
		}
		return t, nil
	case strings.HasPrefix(spec, "student:"):
		st, _, err := checkpoint.LoadStudent(strings.TrimPrefix(spec, "student:"), env, framework.MakeStudent)
		if err != nil {
			return nil, fmt.Errorf("policy %q: %w", spec, err)
		}
		return st, nil
	case spec == "":
		return nil, errors.New("empty policy (want random, teacher:NAME[:ARG] or student:PATH)")
	}
	return nil, fmt.Errorf("unknown policy %q (want random, teacher:NAME[:ARG] or student:PATH; teachers: %s)", spec, teacherList())
}

func teacherList() string {
	names := framework.TeacherNames()
	if len(names) == 0 {
		return "none registered"
	}
	return strings.Join(names, ", ")
}
