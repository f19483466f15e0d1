package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// builtExamplePlugin builds the double-integrator example plugin, an
// environment arena does not have built in.
func builtExamplePlugin(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds a plugin")
	}
	bin := filepath.Join(t.TempDir(), "doubleintegrator")
	out, err := exec.Command("go", "build", "-o", bin, "../../examples/plugins/doubleintegrator").CombinedOutput()
	if err != nil {
		t.Fatalf("build plugin: %v\n%s", err, out)
	}
	return bin
}

// TestPluginFlag: every command that takes an environment finds it in a
// --plugin, and still finds the built-in ones.
func TestPluginFlag(t *testing.T) {
	p := builtExamplePlugin(t)
	const id = "DoubleIntegrator-v0"
	gif := filepath.Join(t.TempDir(), "ep.gif")
	tests := []struct {
		args []string
		code int
		has  string
	}{
		{[]string{"env", "check", id, "--plugin", p}, 0, id + ": all 16 checks passed"},
		{[]string{"env", "check", "CartPole-v1", "--plugin", p}, 0, "CartPole-v1: all 16 checks passed"},
		{[]string{"env", "check", id}, 2, `unknown environment "DoubleIntegrator-v0"`},
		{[]string{"env", "check", "Nope-v0", "--plugin", p}, 2, "DoubleIntegrator-v0"}, // the known IDs include the plugin's
		{[]string{"eval", "--env", id, "--policy", "random", "--episodes", "3", "--plugin", p}, 0, "random on DoubleIntegrator-v0, 3 episodes"},
		{[]string{"eval", "--env", id, "--policy", "random", "--plugin", "/nonexistent/plugin"}, 2, "--plugin /nonexistent/plugin"},
		{[]string{"env", "render", id, "--plugin", p, "--max-steps", "3", "--out", gif}, 2, id + " cannot render"}, // found, but it draws nothing
		{[]string{"bench", "--env", id, "--plugin", p, "--duration", "20ms", "--json"}, 0, `"mode": "plugin"`},
		{[]string{"bench", "--env", id, "--plugin", p, "--distill"}, 2, "built-in environments only"},
	}
	for _, tc := range tests {
		code, stdout, stderr := runArena(tc.args...)
		if code != tc.code || !strings.Contains(stdout+stderr, tc.has) {
			t.Errorf("arena %s: exit %d, stdout %q, stderr %q; want %d and %q", strings.Join(tc.args, " "), code, stdout, stderr, tc.code, tc.has)
		}
	}
}

// TestTeachPluginKeepsBest trains briefly on a plugin's environment: the
// periodic evaluations print, --out holds the best of them (recorded in
// the checkpoint), and the final evaluation reports on that file.
func TestTeachPluginKeepsBest(t *testing.T) {
	p := builtExamplePlugin(t)
	out := filepath.Join(t.TempDir(), "di.json")
	code, stdout, stderr := runArena("teach", "--env", "DoubleIntegrator-v0", "--plugin", p, "--steps", "512", "--envs", "2",
		"--rollout", "64", "--epochs", "1", "--minibatches", "2", "--eval-episodes", "2", "--final-episodes", "3", "--quiet", "--out", out)
	if code != 0 {
		t.Fatalf("exit %d: %s%s", code, stdout, stderr)
	}
	if n := strings.Count(stdout, "eval after update"); n != 4 {
		t.Errorf("%d periodic evaluations, want one per update (4):\n%s", n, stdout)
	}
	if !strings.Contains(stdout, "final evaluation of "+out) || !strings.Contains(stdout, "over 3 episodes from seed 0") {
		t.Errorf("no final evaluation:\n%s", stdout)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var ck struct {
		Training struct {
			Selected *struct {
				Update     int     `json:"update"`
				MeanReturn float64 `json:"mean_return"`
			} `json:"selected"`
			Command string `json:"command"`
		} `json:"training"`
	}
	if err := json.Unmarshal(b, &ck); err != nil {
		t.Fatal(err)
	}
	sel := ck.Training.Selected
	if sel == nil || !strings.Contains(ck.Training.Command, "--plugin") {
		t.Fatalf("checkpoint records %+v", ck.Training)
	}
	// The kept model is the best of the printed evaluations.
	best, bestUpdate := 0.0, 0
	for _, line := range strings.Split(stdout, "\n") {
		var u, steps int
		var r float64
		if _, err := fmt.Sscanf(line, "eval after update %d (%d steps): return %f", &u, &steps, &r); err == nil && (bestUpdate == 0 || r > best) {
			best, bestUpdate = r, u
		}
	}
	if sel.Update != bestUpdate {
		t.Errorf("kept the model of update %d, the best evaluation was after update %d", sel.Update, bestUpdate)
	}
}
