package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// teach's hyperparameters default to the environment's settings: the help
// says so instead of showing a sentinel, and --show-config prints what
// --env would train with, flags applied.
func TestTeachHelpAndShowConfig(t *testing.T) {
	code, help, _ := runArena("teach", "-h")
	if code != 0 {
		t.Fatalf("teach -h: exit %d", code)
	}
	if strings.Contains(help, "(default -1)") {
		t.Errorf("teach -h shows a -1 default:\n%s", help)
	}
	for _, f := range []string{"-envs", "-rollout", "-epochs", "-minibatches", "-lr", "-ent", "-gamma", "-lambda", "-hidden", "-norm-obs", "-norm-reward", "-init-log-std"} {
		i := strings.Index(help, "  "+f+" ")
		if i < 0 {
			i = strings.Index(help, "  "+f+"\n")
		}
		if i < 0 || !strings.Contains(strings.SplitN(help[i:], "\n  -", 2)[0], "the environment's") {
			t.Errorf("teach -h: %s does not say it defaults to the environment's setting", f)
		}
	}

	code, out, stderr := runArena("teach", "--env", "CartPole-v1", "--show-config", "--gamma", "0.5", "--lr", "0.01", "--init-log-std", "-1.5")
	if code != 0 {
		t.Fatalf("--show-config: exit %d: %s", code, stderr)
	}
	var cfg struct {
		TotalSteps   int     `json:"total_steps"`
		NumEnvs      int     `json:"num_envs"`
		Gamma        float64 `json:"gamma"`
		Lambda       float64 `json:"gae_lambda"`
		LearningRate float64 `json:"learning_rate"`
		InitLogStd   float64 `json:"init_log_std"`
	}
	if err := json.Unmarshal([]byte(out), &cfg); err != nil {
		t.Fatalf("--show-config printed %q: %v", out, err)
	}
	// CartPole's tuning: 150 000 steps on 8 copies, λ 0.8; the flags win.
	if cfg.TotalSteps != 150_000 || cfg.NumEnvs != 8 || cfg.Lambda != 0.8 || cfg.Gamma != 0.5 || cfg.LearningRate != 0.01 || cfg.InitLogStd != -1.5 {
		t.Errorf("--show-config: %+v", cfg)
	}
	for _, bad := range []string{"x", "-1", "inf"} {
		if code, _, _ := runArena("teach", "--env", "CartPole-v1", "--show-config", "--gamma", bad); code != 2 {
			t.Errorf("--gamma %s: exit %d, want 2", bad, code)
		}
	}
	for _, bad := range []string{"x", "NaN", "-inf", "-30"} {
		if code, _, _ := runArena("teach", "--env", "CartPole-v1", "--show-config", "--init-log-std", bad); code != 2 {
			t.Errorf("--init-log-std %s: exit %d, want 2", bad, code)
		}
	}
}
