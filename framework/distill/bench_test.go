package distill

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/smgrnn/arena/framework"
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

// BenchmarkBufferSample measures drawing one CartPole-shaped minibatch of
// 256 (4 observation values, 1 action, 2 probabilities) from a full buffer,
// small enough for the cache and as large as a default run's.
func BenchmarkBufferSample(b *testing.B) {
	for _, rows := range []int{2_000, 50_000} {
		b.Run(fmt.Sprintf("rows=%d", rows), func(b *testing.B) {
			buf := newBuffer(rows, 4, 1, 2, false)
			obs := make([]float64, rows*4)
			l := framework.Labels{Actions: make([]float64, rows), Probs: make([]float64, 2*rows)}
			for i := range obs {
				obs[i] = float64(i)
			}
			buf.add(obs, &l, 0, rows)
			bt := buf.newBatch(256)
			rng := rand.New(rand.NewPCG(1, 2))
			b.ReportAllocs()
			for b.Loop() {
				buf.sample(rng, &bt)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*bt.N), "ns/sample")
		})
	}
}

// BenchmarkBufferAdd measures adding one vector step of 8 CartPole-shaped
// samples.
func BenchmarkBufferAdd(b *testing.B) {
	buf := newBuffer(200_000, 4, 1, 2, false)
	obs := make([]float64, 8*4)
	l := framework.Labels{Actions: make([]float64, 8), Probs: make([]float64, 16)}
	b.ReportAllocs()
	for b.Loop() {
		buf.add(obs, &l, 0, 8)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*8), "ns/sample")
}
