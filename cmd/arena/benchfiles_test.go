package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"

	"github.com/smgrnn/arena/framework/match"
)

// TestSpeedBenchmarkFiles holds the side-by-side benchmark's two halves
// to one job: each match file in benchmarks/ is valid, and every setting
// dagger_torch.py runs by default equals the match file's.
func TestSpeedBenchmarkFiles(t *testing.T) {
	script, err := os.ReadFile(filepath.Join("..", "..", "benchmarks", "dagger_torch.py"))
	if err != nil {
		t.Fatal(err)
	}
	def := func(flag string) float64 {
		t.Helper()
		m := regexp.MustCompile(`"--` + regexp.QuoteMeta(flag) + `", type=(?:int|float), default=([0-9.e-]+)\)`).FindSubmatch(script)
		if m == nil {
			t.Fatalf("dagger_torch.py has no numeric default for --%s", flag)
		}
		v, err := strconv.ParseFloat(string(m[1]), 64)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, f := range []struct{ file, env string }{{"cartpole-dagger.toml", "CartPole-v1"}, {"acrobot-dagger.toml", "Acrobot-v1"}} {
		m, err := match.LoadFile(filepath.Join("..", "..", "benchmarks", f.file))
		if err != nil {
			t.Fatalf("%s: %v", f.file, err)
		}
		p := m.Protocol
		checks := []struct {
			flag string
			got  float64
		}{
			{"env-steps", float64(p.EnvSteps)}, {"envs", float64(p.Envs)}, {"round-steps", float64(p.RoundSteps)},
			{"updates", float64(p.UpdatesPerRound)}, {"batch", float64(p.BatchSize)}, {"lr", m.Adam.LearningRate},
			{"decay", p.Decay}, {"eval-every", float64(p.EvalEvery)}, {"eval-episodes", float64(p.EvalEpisodes)},
			{"final-episodes", float64(p.FinalEvalEpisodes)}, {"seed", float64(m.Seeds[0])},
		}
		for _, c := range checks {
			if want := def(c.flag); c.got != want {
				t.Errorf("%s: %s is %v, dagger_torch.py's --%s %v", f.file, c.flag, c.got, c.flag, want)
			}
		}
		if len(m.Envs) != 1 || m.Envs[0].ID != f.env || m.Envs[0].Teacher != "expert" || len(m.Seeds) != 1 || p.Schedule != "dagger" {
			t.Errorf("%s: want one seed, DAgger, and %s with the expert", f.file, f.env)
		}
		if len(m.Students) != 1 || m.Students[0].Kind != "mlp" {
			t.Fatalf("%s: want one MLP student", f.file)
		}
	}
}
