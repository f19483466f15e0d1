package stats

import "testing"

// The benchmarks use the table's typical shape: 5 environments × 5 seeds,
// 2,000 resamples.

func BenchmarkBootstrapCIPooledIQM(b *testing.B) {
	data := normalMatrix(5, 5, 1)
	for b.Loop() {
		if _, _, err := BootstrapCI(data, PooledIQM, DefaultReps, DefaultAlpha, 1); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkImprovementProbability(b *testing.B) {
	x := normalMatrix(5, 5, 1)
	y := normalMatrix(5, 5, 2)
	for b.Loop() {
		if _, err := ImprovementProbability(x, y, Options{Seed: 1}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSummarize(b *testing.B) {
	data := normalMatrix(5, 5, 1)
	for b.Loop() {
		if _, err := Summarize(data, Options{Seed: 1}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkIQM25(b *testing.B) {
	x := normalMatrix(5, 5, 1)
	flat := append(append(append(append(append([]float64{}, x[0]...), x[1]...), x[2]...), x[3]...), x[4]...)
	for b.Loop() {
		IQM(flat)
	}
}
