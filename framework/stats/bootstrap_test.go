package stats

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// normalMatrix returns a tasks×runs matrix of seeded standard normal
// draws plus a per-task offset, standing in for normalised scores.
func normalMatrix(tasks, runs int, seed uint64) [][]float64 {
	rng := rand.New(rand.NewPCG(seed, 1))
	m := make([][]float64, tasks)
	for t := range m {
		m[t] = make([]float64, runs)
		for i := range m[t] {
			m[t][i] = 0.8 + 0.1*float64(t) + 0.2*rng.NormFloat64()
		}
	}
	return m
}

func TestPercentileNumpyLinear(t *testing.T) {
	tests := []struct {
		name   string
		sorted []float64
		q      float64
		want   float64
	}{
		// h = 4·0.025 = 0.1 → 1 + 0.1·(2−1).
		{"low tail", []float64{1, 2, 3, 4, 5}, 0.025, 1.1},
		// h = 4·0.975 = 3.9 → 4 + 0.9·(5−4).
		{"high tail", []float64{1, 2, 3, 4, 5}, 0.975, 4.9},
		// h = 3·0.5 = 1.5 → 2 + 0.5·(3−2).
		{"median even", []float64{1, 2, 3, 4}, 0.5, 2.5},
		{"exact order statistic", []float64{1, 2, 3, 4, 5}, 0.5, 3},
		{"q=0", []float64{1, 2, 3}, 0, 1},
		{"q=1", []float64{1, 2, 3}, 1, 3},
		{"one value", []float64{7}, 0.025, 7},
		// h = 1999·0.025 = 49.975 → v[49] + 0.975·(v[50] − v[49]) with
		// v[i] = i: 49.975.
		{"2000 reps", seq(2000), 0.025, 49.975},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := percentile(tc.sorted, tc.q); !approx(got, tc.want) {
				t.Errorf("percentile(%v) = %v, want %v", tc.q, got, tc.want)
			}
		})
	}
}

// seq returns 0, 1, …, n−1.
func seq(n int) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = float64(i)
	}
	return s
}

func TestBootstrapCIHandCases(t *testing.T) {
	tests := []struct {
		name           string
		data           [][]float64
		stat           MatrixStat
		wantLo, wantHi float64
	}{
		// Stratification: task 0 is all 0 and task 1 all 1, so every
		// stratified resample has pooled mean exactly ½. An unstratified
		// bootstrap over the 6 pooled runs would vary from 0 to 1.
		{"strata kept apart", [][]float64{{0, 0, 0}, {1, 1, 1}}, Pooled(Mean), 0.5, 0.5},
		// One run per task: every resample equals the data, and the
		// interval collapses to the IQM (n = 3, nothing cut): 1.7/3.
		{"single seed", [][]float64{{0.3}, {0.9}, {0.5}}, PooledIQM, 1.7 / 3, 1.7 / 3},
		// Runs {0, 1}: a resample's mean is 0, ½ or 1 with probability
		// ¼, ½, ¼. Both tails (¼ each) hold far more than 2.5% of 2000
		// resamples, so the quantiles are exactly 0 and 1.
		{"two runs", [][]float64{{0, 1}}, Pooled(Mean), 0, 1},
		// Ties only: nothing to resample.
		{"all tied", [][]float64{{0.4, 0.4, 0.4, 0.4}}, PooledIQM, 0.4, 0.4},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			lo, hi, err := BootstrapCI(tc.data, tc.stat, DefaultReps, DefaultAlpha, 7)
			if err != nil {
				t.Fatal(err)
			}
			if !approx(lo, tc.wantLo) || !approx(hi, tc.wantHi) {
				t.Errorf("CI = [%v, %v], want [%v, %v]", lo, hi, tc.wantLo, tc.wantHi)
			}
		})
	}
}

// TestBootstrapResampling looks inside the resamples: each task's values
// come from that task only, and draws are with replacement (a resample of
// the runs {0, 1} has mean 0, ½, 1 with probabilities ¼, ½, ¼).
func TestBootstrapResampling(t *testing.T) {
	data := [][]float64{{0, 1}, {10, 11, 12}}
	counts := map[float64]int{}
	const reps = 4000
	stat := func(ms [][][]float64) float64 {
		m := ms[0]
		for _, v := range m[0] {
			if v != 0 && v != 1 {
				t.Fatalf("task 0 resample holds %v", v)
			}
		}
		for _, v := range m[1] {
			if v < 10 || v > 12 {
				t.Fatalf("task 1 resample holds %v", v)
			}
		}
		counts[Mean(m[0])]++
		return 0
	}
	if _, err := bootstrap([][][]float64{data}, []statFunc{stat}, reps, 0.05, 3); err != nil {
		t.Fatal(err)
	}
	// The point estimate also calls stat once, on the data (mean ½).
	counts[0.5]--
	for mean, p := range map[float64]float64{0: 0.25, 0.5: 0.5, 1: 0.25} {
		// Binomial sd at most √(¼/4000) ≈ 0.008; allow 5 sd.
		if got := float64(counts[mean]) / reps; math.Abs(got-p) > 0.04 {
			t.Errorf("P(resample mean = %v) = %v, want about %v", mean, got, p)
		}
	}
}

func TestBootstrapDeterminism(t *testing.T) {
	data := normalMatrix(5, 5, 11)
	lo1, hi1, err := BootstrapCI(data, PooledIQM, DefaultReps, DefaultAlpha, 42)
	if err != nil {
		t.Fatal(err)
	}
	lo2, hi2, err := BootstrapCI(data, PooledIQM, DefaultReps, DefaultAlpha, 42)
	if err != nil {
		t.Fatal(err)
	}
	if lo1 != lo2 || hi1 != hi2 {
		t.Errorf("same seed: [%v, %v] then [%v, %v]", lo1, hi1, lo2, hi2)
	}
	lo3, hi3, err := BootstrapCI(data, PooledIQM, DefaultReps, DefaultAlpha, 43)
	if err != nil {
		t.Fatal(err)
	}
	if lo1 == lo3 && hi1 == hi3 {
		t.Errorf("seeds 42 and 43 gave the same interval [%v, %v]", lo1, hi1)
	}
	// The zero Options are the defaults with seed 0.
	iv, err := Options{}.Estimate(data, PooledIQM)
	if err != nil {
		t.Fatal(err)
	}
	lo0, hi0, err := BootstrapCI(data, PooledIQM, DefaultReps, DefaultAlpha, 0)
	if err != nil {
		t.Fatal(err)
	}
	if iv.Lo != lo0 || iv.Hi != hi0 || iv.Point != PooledIQM(data) {
		t.Errorf("Options{}.Estimate = %v, want point %v in [%v, %v]", iv, PooledIQM(data), lo0, hi0)
	}
}

// TestBootstrapSymmetric checks, on data symmetric about 0, that the
// interval is ordered, contains the point estimate 0 and stays within the
// data's range, for the statistics the tables use.
func TestBootstrapSymmetric(t *testing.T) {
	row := []float64{-2, -1, 0, 1, 2}
	data := [][]float64{row, row, row, row, row}
	for name, stat := range map[string]MatrixStat{"mean": Pooled(Mean), "iqm": PooledIQM} {
		iv, err := Options{Seed: 5}.Estimate(data, stat)
		if err != nil {
			t.Fatal(err)
		}
		if iv.Point != 0 || !(iv.Lo < 0 && 0 < iv.Hi) || iv.Lo < -2 || iv.Hi > 2 {
			t.Errorf("%s: %v, want point 0 strictly inside an interval within [−2, 2]", name, iv)
		}
		// Symmetric data give a roughly symmetric interval.
		if math.Abs(iv.Lo+iv.Hi) > 0.25*(iv.Hi-iv.Lo) {
			t.Errorf("%s: interval [%v, %v] far from symmetric", name, iv.Lo, iv.Hi)
		}
	}
}

// TestBootstrapCoverage repeats a small experiment (5 tasks × 5 seeds of
// normal scores, true mean known) and checks that the 95% interval of the
// mean covers the truth about 95% of the time. The percentile bootstrap
// undercovers slightly at 25 runs, so the band is wide; the point is to
// catch an interval that is far too narrow or wide (e.g. α misapplied).
func TestBootstrapCoverage(t *testing.T) {
	trials, reps := 200, 500
	if testing.Short() {
		trials = 60
	}
	rng := rand.New(rand.NewPCG(99, 2))
	covered := 0
	for trial := range trials {
		data := make([][]float64, 5)
		for k := range data {
			data[k] = make([]float64, 5)
			for i := range data[k] {
				data[k][i] = rng.NormFloat64()
			}
		}
		lo, hi, err := BootstrapCI(data, Pooled(Mean), reps, 0.05, uint64(trial))
		if err != nil {
			t.Fatal(err)
		}
		if lo <= 0 && 0 <= hi {
			covered++
		}
	}
	if c := float64(covered) / float64(trials); c < 0.82 || c > 0.995 {
		t.Errorf("coverage %v over %d trials, want about 0.95", c, trials)
	}
}

func TestBootstrapDoesNotModifyData(t *testing.T) {
	data := [][]float64{{3, 1, 2}, {9, 7, 8}}
	orig := cloneMatrix(data)
	sortingStat := func(m [][]float64) float64 {
		for _, row := range m {
			slices.Sort(row)
			row[0] = -1
		}
		return 0
	}
	if _, _, err := BootstrapCI(data, sortingStat, 50, 0.05, 1); err != nil {
		t.Fatal(err)
	}
	for k := range data {
		if !slices.Equal(data[k], orig[k]) {
			t.Errorf("task %d changed to %v, was %v", k, data[k], orig[k])
		}
	}
}

func TestBootstrapErrors(t *testing.T) {
	good := [][]float64{{1, 2}}
	nanStat := func([][]float64) float64 { return math.NaN() }
	// NaN only on some resamples: when the resample drew run 0 twice.
	sometimesNaN := func(m [][]float64) float64 {
		if m[0][0] == 1 && m[0][1] == 1 {
			return math.NaN()
		}
		return 0
	}
	tests := []struct {
		name  string
		data  [][]float64
		stat  MatrixStat
		reps  int
		alpha float64
		want  error
	}{
		{"no tasks", nil, PooledIQM, 100, 0.05, ErrEmpty},
		{"empty task", [][]float64{{1}, {}}, PooledIQM, 100, 0.05, ErrEmpty},
		{"NaN score", [][]float64{{1, math.NaN()}}, PooledIQM, 100, 0.05, ErrNonFinite},
		{"Inf score", [][]float64{{math.Inf(-1)}}, PooledIQM, 100, 0.05, ErrNonFinite},
		{"zero reps", good, PooledIQM, 0, 0.05, ErrInvalid},
		{"alpha 0", good, PooledIQM, 100, 0, ErrInvalid},
		{"alpha 1", good, PooledIQM, 100, 1, ErrInvalid},
		{"alpha NaN", good, PooledIQM, 100, math.NaN(), ErrInvalid},
		{"nil stat", good, nil, 100, 0.05, ErrInvalid},
		{"NaN stat", good, nanStat, 100, 0.05, ErrNonFinite},
		{"NaN stat on a resample", good, sometimesNaN, 100, 0.05, ErrNonFinite},
		{"infinite stat", good, func([][]float64) float64 { return math.Inf(1) }, 100, 0.05, ErrNonFinite},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			lo, hi, err := BootstrapCI(tc.data, tc.stat, tc.reps, tc.alpha, 1)
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			if !math.IsNaN(lo) || !math.IsNaN(hi) {
				t.Errorf("failed CI = [%v, %v], want NaNs", lo, hi)
			}
		})
	}
	if _, err := (Options{Alpha: 2}).Estimate(good, PooledIQM); !errors.Is(err, ErrInvalid) {
		t.Errorf("Options{Alpha: 2}: err = %v, want ErrInvalid", err)
	}
	if _, err := (Options{Reps: -1}).Estimate(good, PooledIQM); !errors.Is(err, ErrInvalid) {
		t.Errorf("Options{Reps: -1}: err = %v, want ErrInvalid", err)
	}
}

func TestTwoSampleBootstrapCI(t *testing.T) {
	tests := []struct {
		name           string
		x, y           [][]float64
		wantLo, wantHi float64
	}{
		// Every resample of x beats every resample of y.
		{"x dominates", [][]float64{{5, 6}, {3, 4, 5}}, [][]float64{{1, 2}, {0, 1}}, 1, 1},
		{"dominated", [][]float64{{1, 2}}, [][]float64{{5, 6, 7}}, 0, 0},
		// Constant, equal samples: every pair ties.
		{"identical constants", [][]float64{{2, 2}}, [][]float64{{2, 2, 2}}, 0.5, 0.5},
		// x = y = {0, 1}, resampled independently: x all 0 and y all 1
		// happens with probability ¼·¼ = 1/16 > 2.5% (P = 0), and the
		// mirror case likewise (P = 1), so the interval is [0, 1]. Had x
		// and y been resampled with the same indices, every resample would
		// be identical and the interval would collapse to 0.5.
		{"independent resampling", [][]float64{{0, 1}}, [][]float64{{0, 1}}, 0, 1},
		// One seed each: the interval collapses to the point, 1.
		{"single seed", [][]float64{{0.9}, {0.7}}, [][]float64{{0.1}, {0.2}}, 1, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			lo, hi, err := TwoSampleBootstrapCI(tc.x, tc.y, ProbabilityOfImprovement, DefaultReps, DefaultAlpha, 3)
			if err != nil {
				t.Fatal(err)
			}
			if !approx(lo, tc.wantLo) || !approx(hi, tc.wantHi) {
				t.Errorf("CI = [%v, %v], want [%v, %v]", lo, hi, tc.wantLo, tc.wantHi)
			}
		})
	}
	errTests := []struct {
		name string
		x, y [][]float64
		want error
	}{
		{"task mismatch", [][]float64{{1}}, [][]float64{{1}, {2}}, ErrInvalid},
		{"empty y", [][]float64{{1}}, nil, ErrEmpty},
		{"empty x task", [][]float64{{}}, [][]float64{{1}}, ErrEmpty},
		{"NaN y", [][]float64{{1}}, [][]float64{{math.NaN()}}, ErrNonFinite},
	}
	for _, tc := range errTests {
		t.Run(tc.name, func(t *testing.T) {
			if _, _, err := TwoSampleBootstrapCI(tc.x, tc.y, ProbabilityOfImprovement, 100, 0.05, 1); !errors.Is(err, tc.want) {
				t.Errorf("err = %v, want %v", err, tc.want)
			}
		})
	}
	if _, _, err := TwoSampleBootstrapCI([][]float64{{1}}, [][]float64{{1}}, nil, 100, 0.05, 1); !errors.Is(err, ErrInvalid) {
		t.Errorf("nil stat: err = %v, want ErrInvalid", err)
	}
}

func TestIntervalString(t *testing.T) {
	if got := (Interval{Point: 0.91234, Lo: 0.8, Hi: 1}).String(); got != "0.912 [0.800, 1.000]" {
		t.Errorf("String = %q", got)
	}
}

// TestBootstrapGolden pins two intervals as this implementation first
// produced them. The values are not a correctness check (the hand cases
// above are); they guard reproducibility: a change to the draw order, the
// index mapping or the PCG stream would silently change every published
// table, and must fail here instead.
func TestBootstrapGolden(t *testing.T) {
	x := [][]float64{{0.1, 0.5, 0.9}, {0.2, 0.4, 1.0, 0.7}}
	y := [][]float64{{0.3, 0.2}, {0.6, 0.5, 0.1}}
	lo, hi, err := BootstrapCI(x, PooledIQM, DefaultReps, DefaultAlpha, 2021)
	if err != nil {
		t.Fatal(err)
	}
	if lo != 0.27999999999999997 || hi != 0.83999999999999986 {
		t.Errorf("IQM CI = [%.17g, %.17g], pinned [0.28, 0.84]", lo, hi)
	}
	lo, hi, err = TwoSampleBootstrapCI(x, y, ProbabilityOfImprovement, DefaultReps, DefaultAlpha, 2021)
	if err != nil {
		t.Fatal(err)
	}
	if lo != 0.29166666666666663 || hi != 1 {
		t.Errorf("P(X>Y) CI = [%.17g, %.17g], pinned [0.2917, 1]", lo, hi)
	}
}

func TestIndexUniform(t *testing.T) {
	rng := rand.NewPCG(1, 2)
	for range 100 {
		if i := index(rng, 1); i != 0 {
			t.Fatalf("index(1) = %d", i)
		}
	}
	const n, draws = 3, 30000
	var counts [n]int
	for range draws {
		i := index(rng, n)
		if i >= n {
			t.Fatalf("index(%d) = %d", n, i)
		}
		counts[i]++
	}
	// Expected 10000 each, sd √(30000·⅓·⅔) ≈ 82; allow 5 sd.
	for i, c := range counts {
		if c < 10000-410 || c > 10000+410 {
			t.Errorf("index %d drawn %d times of %d, want about %d", i, c, draws, draws/n)
		}
	}
}
