package distill

import (
	"context"
	"testing"
	"time"
)

// BenchmarkToyRun measures the protocol's own cost: the toy env, teacher
// and student do almost nothing, so what a labelled env step costs beyond
// their calls is the buffer, the β draws and the minibatch gathering.
func BenchmarkToyRun(b *testing.B) {
	cfg := DefaultConfig()
	cfg.EnvSteps = 20_000
	cfg.UpdatesPerRound = 20
	cfg.BatchSize = 64
	cfg.EvalEpisodes = 4
	cfg.FinalEvalEpisodes = 8
	var own, total time.Duration
	b.ReportAllocs()
	for b.Loop() {
		run, _, _ := lineRun(cfg, 1)
		res, err := run.Execute(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		tm := res.Timing
		total += tm.Total
		own += tm.Total - tm.Env - tm.Teacher - tm.StudentAct - tm.StudentTrain - tm.Eval - tm.Baselines
	}
	steps := float64(b.N * cfg.EnvSteps)
	b.ReportMetric(float64(total.Nanoseconds())/steps, "ns/env-step")
	b.ReportMetric(float64(own.Nanoseconds())/steps, "protocol-ns/env-step")
}
