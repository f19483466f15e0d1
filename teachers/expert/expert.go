// Package expert holds hand-written controllers for Gymnasium's five
// classic-control environments, derived from their physics, and registers
// them as the teacher "expert". Each controller registers itself from its
// own file (Register), so an environment's expert is added in one place.
//
// Every controller is a deterministic function of the observation alone:
// it never reads the environment's hidden state, so it can label any
// observation a student meets. Where a controller plans ahead it does so
// with its own copy of the environment's equations of motion (which are
// public and fixed), started from the state the observation reveals.
package expert

import (
	"fmt"
	"strings"

	"github.com/smgrnn/arena/framework"
)

// Law computes one action (act, of the action space's Dim) from one
// observation. It must be a deterministic function of obs alone.
type Law func(obs, act []float64)

// laws holds each environment's control law, registered from the law's own
// file (or from the package that brings the environment), so adding an
// environment's expert touches nothing else.
var laws = framework.Registry[Law]{What: "expert environment"}

// Register makes law the expert for envID; a second law for one
// environment panics, since that is a programming error.
func Register(envID string, law Law) { laws.Register(envID, law) }

// EnvIDs lists the environments that have an expert, in sorted order.
func EnvIDs() []string { return laws.Names() }

func init() {
	framework.RegisterTeacher("expert", New)
}

// Teacher is an expert controller for one environment. It gives actions
// only: a control law has no distribution behind its choice.
type Teacher struct {
	env     string
	obs     framework.Space
	act     framework.Space
	control Law
}

// New returns the expert for env; arg must be empty (the expert has no
// settings). An environment without an expert is an error naming the ones
// that have one.
func New(env framework.EnvSpec, arg string) (framework.Teacher, error) {
	if arg != "" {
		return nil, fmt.Errorf("teacher expert takes no argument, got %q", arg)
	}
	c, err := laws.Lookup(env.ID)
	if err != nil {
		return nil, fmt.Errorf("no expert for %s (experts exist for %s)", env.ID, strings.Join(EnvIDs(), ", "))
	}
	if env.ObservationSpace == nil || env.ActionSpace == nil {
		return nil, fmt.Errorf("expert for %s: the environment spec has no spaces", env.ID)
	}
	return &Teacher{env: env.ID, obs: env.ObservationSpace, act: env.ActionSpace, control: c}, nil
}

// Spaces implements framework.Teacher.
func (t *Teacher) Spaces() (obs, act framework.Space) { return t.obs, t.act }

// Act implements framework.Policy.
func (t *Teacher) Act(obs []float64, n int, actions []float64) error {
	od, ad := t.obs.Dim(), t.act.Dim()
	if n < 0 || len(obs) < n*od {
		return fmt.Errorf("expert for %s: %d observation values for %d rows of %d", t.env, len(obs), n, od)
	}
	if len(actions) < n*ad {
		return fmt.Errorf("expert for %s: %d action values for %d rows of %d", t.env, len(actions), n, ad)
	}
	for i := 0; i < n; i++ {
		t.control(obs[i*od:(i+1)*od], actions[i*ad:(i+1)*ad])
	}
	return nil
}

// Label implements framework.Teacher: Actions only, Probs, Mean and Std are
// nil.
func (t *Teacher) Label(obs []float64, n int, out *framework.Labels) error {
	if n < 0 {
		return fmt.Errorf("expert for %s: negative batch size %d", t.env, n)
	}
	out.Actions = framework.Resize(out.Actions, n*t.act.Dim())
	out.Probs, out.Mean, out.Std = nil, nil, nil
	return t.Act(obs, n, out.Actions)
}
