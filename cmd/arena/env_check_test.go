package main

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/smgrnn/arena/envs"
	"github.com/smgrnn/arena/framework"
)

// plainEnv wraps an Env and exposes only the Env methods: no in-place
// stepping, no Render.
type plainEnv struct {
	framework.Env
	breakClose bool
	closed     bool
}

func (p *plainEnv) Close() error {
	if p.closed && p.breakClose {
		return errors.New("closed twice")
	}
	p.closed = true
	return p.Env.Close()
}

func init() {
	framework.RegisterEnv("TestPlainCartPole-v1", func() (framework.Env, error) {
		return &plainEnv{Env: envs.NewCartPole()}, nil
	})
	framework.RegisterEnv("TestBrokenClose-v1", func() (framework.Env, error) {
		return &plainEnv{Env: envs.NewCartPole(), breakClose: true}, nil
	})
}

// runArena runs one command line and returns its exit status and output.
func runArena(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = run(args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestEnvCheck(t *testing.T) {
	tests := []struct {
		args       []string
		code       int
		stdoutHas  []string
		stderrHas  []string
		oneErrLine bool
	}{
		{[]string{"env", "check", "CartPole-v1"}, 0, []string{"PASS same-seed-same-episode\n", "PASS step-after-done\n", "CartPole-v1: all 16 checks passed\n"}, nil, false},
		{[]string{"env", "check", "Pendulum-v1", "--seed", "9"}, 0, []string{"Pendulum-v1: all 16 checks passed\n"}, nil, false},
		{[]string{"env", "check", "TestPlainCartPole-v1"}, 0, []string{"PASS in-place (not an InPlaceEnv)\n"}, nil, false},
		{[]string{"env", "check", "TestBrokenClose-v1"}, 1, []string{"FAIL close-twice: second close: closed twice\n", "1 of 16 checks failed"}, nil, false},
		{[]string{"env", "check", "CartPole-v9"}, 2, nil, []string{`unknown environment "CartPole-v9"`, "CartPole-v1", "Acrobot-v1"}, true},
		{[]string{"env", "check"}, 2, nil, []string{"want one environment ID"}, true},
		{[]string{"env", "check", "CartPole-v1", "Acrobot-v1"}, 2, nil, []string{"want one environment ID"}, true},
		{[]string{"env", "check", "CartPole-v1", "--seed", "-1"}, 2, nil, []string{"seed"}, true},
	}
	for _, tt := range tests {
		code, out, errs := runArena(tt.args...)
		name := strings.Join(tt.args, " ")
		if code != tt.code {
			t.Errorf("%s: exit %d, want %d (stderr %q)", name, code, tt.code, errs)
		}
		for _, s := range tt.stdoutHas {
			if !strings.Contains(out, s) {
				t.Errorf("%s: stdout lacks %q:\n%s", name, s, out)
			}
		}
		for _, s := range tt.stderrHas {
			if !strings.Contains(errs, s) {
				t.Errorf("%s: stderr lacks %q: %q", name, s, errs)
			}
		}
		if tt.oneErrLine && strings.Count(errs, "\n") != 1 {
			t.Errorf("%s: stderr is not one line: %q", name, errs)
		}
	}
}

// TestEnvCheckEveryBuiltIn asks every built-in environment to pass.
func TestEnvCheckEveryBuiltIn(t *testing.T) {
	for _, id := range []string{"CartPole-v1", "Acrobot-v1", "MountainCar-v0", "MountainCarContinuous-v0", "Pendulum-v1"} {
		code, out, errs := runArena("env", "check", id)
		if code != 0 || strings.Contains(out, "FAIL") {
			t.Errorf("%s: exit %d\n%s%s", id, code, out, errs)
		}
		if n := strings.Count(out, "PASS "); n != 16 {
			t.Errorf("%s: %d PASS lines, want 16", id, n)
		}
	}
}
