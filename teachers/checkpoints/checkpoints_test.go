package checkpoints

import (
	"encoding/json"
	"slices"
	"testing"
)

func TestShippedCheckpoints(t *testing.T) {
	envs := Envs()
	for _, want := range []string{"Acrobot-v1", "CartPole-v1"} {
		if !slices.Contains(envs, want) {
			t.Errorf("no shipped checkpoint for %s (have %v)", want, envs)
		}
	}
	for _, id := range envs {
		b, ok := For(id)
		if !ok {
			t.Fatalf("%s listed but not readable", id)
		}
		var head struct {
			Format string `json:"format"`
			Env    string `json:"env"`
		}
		if err := json.Unmarshal(b, &head); err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		if head.Format != "arena-ppo" || head.Env != id {
			t.Errorf("%s.json holds format %q for env %q", id, head.Format, head.Env)
		}
	}
	for _, id := range []string{"Nope-v0", "../ppo/model", "README", ""} {
		if _, ok := For(id); ok {
			t.Errorf("For(%q) found a checkpoint", id)
		}
	}
}
