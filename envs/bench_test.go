package envs

import (
	"testing"
	"time"

	"github.com/smgrnn/arena/envs/internal/cputime"
	"github.com/smgrnn/arena/framework"
)

// patternLen actions, precomputed so the benchmarks time the environment,
// not the pattern.
const patternLen = 64

func actionPattern(space framework.Space) [][]float64 {
	p := make([][]float64, patternLen)
	for i := range p {
		p[i] = make([]float64, space.Dim())
		action(space, i, p[i])
	}
	return p
}

// BenchmarkStep times one environment step: scalar is InPlaceEnv.StepInto
// on one copy (resetting when an episode ends, as training does), vector64
// is one framework.SyncVectorEnv step of 64 copies with autoreset. Both
// report environment steps (64 per vector op) per second of wall-clock
// time and per second of CPU time.
func BenchmarkStep(b *testing.B) {
	for _, id := range ids {
		b.Run(id+"/scalar", func(b *testing.B) {
			e := mustMake(b, id)
			pattern := actionPattern(e.Spec().ActionSpace)
			obs := make([]float64, e.Spec().ObservationSpace.Dim())
			if err := e.ResetInto(framework.Seed(0), obs); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			i := 0
			cpu0 := cputime.Used()
			for b.Loop() {
				_, term, trunc, err := e.StepInto(pattern[i%patternLen], obs)
				if err != nil {
					b.Fatal(err)
				}
				if term || trunc {
					e.ResetInto(nil, obs)
				}
				i++
			}
			reportRates(b, b.N, cputime.Used()-cpu0)
		})
		b.Run(id+"/vector64", func(b *testing.B) {
			const n = 64
			v, err := framework.MakeVectorEnv(id, n)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := v.Reset(framework.Seed(0)); err != nil {
				b.Fatal(err)
			}
			pattern := actionPattern(v.Spec().ActionSpace)
			dim := v.Spec().ActionSpace.Dim()
			batches := make([][]float64, patternLen)
			for k := range batches {
				batches[k] = make([]float64, n*dim)
				for j := range n {
					copy(batches[k][j*dim:], pattern[(k+j)%patternLen])
				}
			}
			b.ReportAllocs()
			k := 0
			cpu0 := cputime.Used()
			for b.Loop() {
				if _, err := v.Step(batches[k%patternLen]); err != nil {
					b.Fatal(err)
				}
				k++
			}
			reportRates(b, b.N*n, cputime.Used()-cpu0)
		})
	}
}

// reportRates reports environment steps per wall-clock second and, where
// the CPU time is known, per CPU second of this (single-goroutine) process.
func reportRates(b *testing.B, steps int, cpu time.Duration) {
	b.ReportMetric(float64(steps)/b.Elapsed().Seconds(), "steps/s")
	if cpu > 0 {
		b.ReportMetric(float64(steps)/cpu.Seconds(), "steps/cpu-s")
	}
}

// BenchmarkReset times a seeded reset (SeedSequence hashing, PCG64 seeding
// and the uniform draws).
func BenchmarkReset(b *testing.B) {
	for _, id := range ids {
		b.Run(id, func(b *testing.B) {
			e := mustMake(b, id)
			obs := make([]float64, e.Spec().ObservationSpace.Dim())
			b.ReportAllocs()
			var seed uint64
			for b.Loop() {
				if err := e.ResetInto(&seed, obs); err != nil {
					b.Fatal(err)
				}
				seed++
			}
		})
	}
}
