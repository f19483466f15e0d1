package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/smgrnn/arena/envs"
	"github.com/smgrnn/arena/framework"
	"github.com/smgrnn/arena/teachers/checkpoints"
)

// evalTestEnvID is CartPole under another name: no teacher has a
// checkpoint or an expert for it.
const evalTestEnvID = "TestEvalUnshipped-v1"

// unshippedCartPole renames CartPole, so teachers do not recognise it.
type unshippedCartPole struct{ *envs.CartPole }

func (u unshippedCartPole) Spec() framework.EnvSpec {
	s := u.CartPole.Spec()
	s.ID = evalTestEnvID
	return s
}

func init() {
	framework.RegisterEnv(evalTestEnvID, func() (framework.Env, error) {
		return unshippedCartPole{envs.NewCartPole()}, nil
	})
}

// arenaLine runs one command line and returns its exit status and outputs.
func arenaLine(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = run(args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestEvalJSON(t *testing.T) {
	code, out, errs := arenaLine("eval", "--env", "CartPole-v1", "--policy", "teacher:expert", "--episodes", "5", "--seed", "7", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var res map[string]any
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("output %q is not JSON: %v", out, err)
	}
	for _, k := range []string{"env", "policy", "episodes", "seed", "return_mean", "return_std", "return_min", "return_max", "length_mean"} {
		if _, ok := res[k]; !ok {
			t.Errorf("JSON lacks %q: %s", k, out)
		}
	}
	if res["return_mean"] != 500.0 || res["episodes"] != 5.0 || res["seed"] != 7.0 || res["env"] != "CartPole-v1" {
		t.Errorf("unexpected result %s", out)
	}
}

func TestEvalRandomDeterministic(t *testing.T) {
	args := []string{"eval", "--env", "MountainCarContinuous-v0", "--policy", "random", "--episodes", "3", "--seed", "2"}
	_, a, _ := arenaLine(args...)
	code, b, errs := arenaLine(args...)
	if code != 0 || a != b || !strings.Contains(a, "return") {
		t.Errorf("exit %d, outputs %q and %q (%s)", code, a, b, errs)
	}
}

func TestEvalShippedPPO(t *testing.T) {
	code, out, errs := arenaLine("eval", "--env", "CartPole-v1", "--policy", "teacher:ppo", "--episodes", "3")
	if code != 0 || !strings.Contains(out, "return 500.00") {
		t.Errorf("exit %d, output %q, errors %q", code, out, errs)
	}
}

func TestEvalBadInput(t *testing.T) {
	dir := t.TempDir()
	acro, ok := checkpoints.For("Acrobot-v1")
	if !ok {
		t.Fatal("no shipped Acrobot-v1 checkpoint")
	}
	acroPath := filepath.Join(dir, "acrobot.json")
	corrupt := filepath.Join(dir, "corrupt.json")
	future := filepath.Join(dir, "future.json")
	for p, b := range map[string][]byte{
		acroPath: acro,
		corrupt:  acro[:len(acro)/3],
		future:   bytes.Replace(acro, []byte(`"version": 1`), []byte(`"version": 2`), 1),
	} {
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"unknown env", []string{"--env", "Nope-v0", "--policy", "random"}, []string{`unknown environment "Nope-v0"`}},
		{"unknown policy", []string{"--env", "CartPole-v1", "--policy", "genius"}, []string{`unknown policy "genius"`}},
		{"unknown teacher", []string{"--env", "CartPole-v1", "--policy", "teacher:oracle"}, []string{`unknown teacher "oracle"`}},
		{"missing checkpoint", []string{"--env", "CartPole-v1", "--policy", "teacher:ppo:" + filepath.Join(dir, "absent.json")}, []string{"does not exist"}},
		{"corrupt checkpoint", []string{"--env", "Acrobot-v1", "--policy", "teacher:ppo:" + corrupt}, []string{"corrupt"}},
		{"future checkpoint", []string{"--env", "Acrobot-v1", "--policy", "teacher:ppo:" + future}, []string{"version 2 is not supported"}},
		{"other env's checkpoint", []string{"--env", "CartPole-v1", "--policy", "teacher:ppo:" + acroPath}, []string{"made for Acrobot-v1, not CartPole-v1", "observation space"}},
		{"no shipped checkpoint", []string{"--env", evalTestEnvID, "--policy", "teacher:ppo"}, []string{"no shipped PPO checkpoint for " + evalTestEnvID}},
		{"no expert", []string{"--env", evalTestEnvID, "--policy", "teacher:expert"}, []string{"no expert for " + evalTestEnvID}},
		{"no env", []string{"--policy", "random"}, []string{"--env is required"}},
		{"no policy", []string{"--env", "CartPole-v1"}, []string{"--policy is required"}},
		{"zero episodes", []string{"--env", "CartPole-v1", "--policy", "random", "--episodes", "0"}, []string{"--episodes must be positive"}},
		{"stray argument", []string{"CartPole-v1", "--policy", "random"}, []string{"unexpected argument"}},
	}
	for _, tt := range tests {
		code, _, errs := arenaLine(append([]string{"eval"}, tt.args...)...)
		if code != 2 {
			t.Errorf("%s: exit %d, want 2 (%q)", tt.name, code, errs)
		}
		if strings.Count(errs, "\n") != 1 {
			t.Errorf("%s: error is not one line: %q", tt.name, errs)
		}
		for _, w := range tt.want {
			if !strings.Contains(errs, w) {
				t.Errorf("%s: error %q does not mention %q", tt.name, errs, w)
			}
		}
	}
}

func TestTeach(t *testing.T) {
	out := filepath.Join(t.TempDir(), "cart.json")
	code, stdout, errs := arenaLine("teach", "--env", "CartPole-v1", "--steps", "512", "--seed", "4", "--out", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.Contains(stdout, "update 2/2  steps 512") || !strings.Contains(stdout, "steps/s") {
		t.Errorf("no progress lines in %q", stdout)
	}
	code, stdout, errs = arenaLine("eval", "--env", "CartPole-v1", "--policy", "teacher:ppo:"+out, "--episodes", "2")
	if code != 0 || !strings.Contains(stdout, "return") {
		t.Errorf("eval of the trained checkpoint: exit %d, %q, %q", code, stdout, errs)
	}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"unknown env", []string{"--env", "Nope-v0", "--out", out}, `unknown environment "Nope-v0"`},
		{"no out", []string{"--env", "CartPole-v1"}, "--out is required"},
		{"missing dir", []string{"--env", "CartPole-v1", "--out", filepath.Join(out, "x", "y.json")}, "does not exist"},
		{"bad hidden", []string{"--env", "CartPole-v1", "--out", out, "--hidden", "64,x"}, "not an integer"},
		{"bad gamma", []string{"--env", "CartPole-v1", "--out", out, "--gamma", "2"}, "gamma"},
	}
	for _, tt := range tests {
		code, _, errs := arenaLine(append([]string{"teach"}, tt.args...)...)
		if code != 2 || !strings.Contains(errs, tt.want) || strings.Count(errs, "\n") != 1 {
			t.Errorf("%s: exit %d, error %q, want 2 and %q", tt.name, code, errs, tt.want)
		}
	}
}
