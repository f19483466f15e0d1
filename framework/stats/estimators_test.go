package stats

import (
	"math"
	"slices"
	"testing"
)

// TestIQMScipyRule checks IQM against scipy.stats.trim_mean(x, 0.25) for
// n = 1..9, computed by hand with scipy's rule: sort, cut k = int(0.25·n)
// from each end, average the rest. The values are the squares 1, 4, 9, …,
// n², given in a scrambled order so the sort matters, and chosen unevenly
// spaced so the trimmed mean differs from the plain mean whenever k > 0.
func TestIQMScipyRule(t *testing.T) {
	tests := []struct {
		n    int
		want float64
	}{
		{1, 1},                             // k = 0: 1
		{2, 5.0 / 2},                       // k = 0: (1+4)/2
		{3, 14.0 / 3},                      // k = 0: (1+4+9)/3
		{4, 13.0 / 2},                      // k = 1: (4+9)/2
		{5, 29.0 / 3},                      // k = 1: (4+9+16)/3
		{6, 54.0 / 4},                      // k = 1: (4+9+16+25)/4
		{7, 90.0 / 5},                      // k = 1: (4+…+36)/5
		{8, (9 + 16 + 25 + 36) / 4.0},      // k = 2: 86/4
		{9, (9 + 16 + 25 + 36 + 49) / 5.0}, // k = 2: 135/5
	}
	for _, tc := range tests {
		x := make([]float64, tc.n)
		for i := range x {
			// Visit 1..n in the order 1, n, 2, n−1, … (scrambled).
			k := i/2 + 1
			if i%2 == 1 {
				k = tc.n - i/2
			}
			x[i] = float64(k * k)
		}
		orig := slices.Clone(x)
		if got := IQM(x); !approx(got, tc.want) {
			t.Errorf("n=%d: IQM(%v) = %v, want %v", tc.n, orig, got, tc.want)
		}
		if !slices.Equal(x, orig) {
			t.Errorf("n=%d: IQM modified its input", tc.n)
		}
	}
}

func TestIQMEdgeCases(t *testing.T) {
	tests := []struct {
		name string
		x    []float64
		want float64
	}{
		// k = 1 cuts the 1 and the 5 → (1+1)/2.
		{"ties", []float64{1, 5, 1, 1}, 1},
		// k = 2 of 10: sorted 0,0,1,1,1,2,2,2,9,9 → (1+1+1+2+2+2)/6 = 1.5.
		{"ties and outliers", []float64{9, 0, 1, 2, 1, 9, 2, 0, 2, 1}, 1.5},
		{"single seed", []float64{0.37}, 0.37},
		// n = 4 with an outlier: sorted −100, 0.4, 0.6, 100 → (0.4+0.6)/2.
		{"outliers trimmed", []float64{100, 0.4, -100, 0.6}, 0.5},
		// An infinite value in the trimmed tail does not matter.
		{"inf trimmed", []float64{math.Inf(1), 1, 2, 3}, 2.5},
		{"empty", nil, math.NaN()},
		{"NaN", []float64{1, 2, math.NaN(), 4}, math.NaN()},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := IQM(tc.x); !approx(got, tc.want) {
				t.Errorf("IQM(%v) = %v, want %v", tc.x, got, tc.want)
			}
		})
	}
}

func TestPooledIQM(t *testing.T) {
	// Flattened: 0, 1, 2, 3 | 10, 11, 12, 13 → sorted, n = 8, k = 2:
	// (2+3+10+11)/4 = 6.5. Per-task IQMs would be 1.5 and 11.5 instead.
	scores := [][]float64{{3, 0, 2, 1}, {10, 13, 11, 12}}
	if got := PooledIQM(scores); !approx(got, 6.5) {
		t.Errorf("PooledIQM = %v, want 6.5", got)
	}
	if got := PooledIQM(nil); !math.IsNaN(got) {
		t.Errorf("PooledIQM(nil) = %v, want NaN", got)
	}
	// Pooled mean over ragged rows: (1 + 2 + 3 + 6)/4 = 3.
	if got := Pooled(Mean)([][]float64{{1}, {2, 3, 6}}); !approx(got, 3) {
		t.Errorf("Pooled(Mean) = %v, want 3", got)
	}
}

func TestOptimalityGap(t *testing.T) {
	tests := []struct {
		name  string
		x     []float64
		gamma float64
		want  float64
	}{
		// max(1−x, 0) = 0.5, 0, 0.1, 0 → 0.6/4 = 0.15.
		{"mixed", []float64{0.5, 1.2, 0.9, 1.0}, 1, 0.15},
		{"all above", []float64{1, 1.5, 3}, 1, 0},
		// (1−0)+(1−(−1)) = 3 over 2: scores below random count fully.
		{"below zero", []float64{0, -1}, 1, 1.5},
		{"single seed", []float64{0.25}, 1, 0.75},
		// γ = 0.5: max(0.5−x, 0) = 0.5, 0, 0 → 1/6.
		{"other gamma", []float64{0, 0.5, 0.9}, 0.5, 0.5 / 3},
		{"empty", nil, 1, math.NaN()},
		{"NaN", []float64{2, math.NaN()}, 1, math.NaN()},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := OptimalityGap(tc.x, tc.gamma); !approx(got, tc.want) {
				t.Errorf("OptimalityGap(%v, %v) = %v, want %v", tc.x, tc.gamma, got, tc.want)
			}
		})
	}
}

func TestProbabilityOfImprovement(t *testing.T) {
	tests := []struct {
		name string
		x, y [][]float64
		want float64
	}{
		{"x dominates", [][]float64{{5, 6, 7}, {1, 2}}, [][]float64{{1, 2, 3}, {0, 0.5}}, 1},
		{"dominated", [][]float64{{1, 2, 3}}, [][]float64{{5, 6}}, 0},
		{"identical", [][]float64{{1, 2, 3}, {4, 4}}, [][]float64{{1, 2, 3}, {4, 4}}, 0.5},
		// Same values in another order: still 0.5.
		{"same multiset", [][]float64{{3, 1, 2}}, [][]float64{{2, 3, 1}}, 0.5},
		// Pairs (x, y): (3,1) win, (3,3) tie, (4,1) win, (4,3) win →
		// (3 + ½)/4 = 0.875.
		{"ties", [][]float64{{3, 4}}, [][]float64{{1, 3}}, 0.875},
		// x = 1,2,3 vs y = 2,2: 1 loses twice, 2 ties twice, 3 wins
		// twice → (2 + 2·½)/6 = 0.5.
		{"uneven sizes", [][]float64{{1, 2, 3}}, [][]float64{{2, 2}}, 0.5},
		// Tasks 0.875 and 0 average to 0.4375.
		{"two tasks", [][]float64{{3, 4}, {0}}, [][]float64{{1, 3}, {1}}, 0.4375},
		// One seed each: a single pair, a tie → 0.5.
		{"single seed tie", [][]float64{{2}}, [][]float64{{2}}, 0.5},
		{"single seed win", [][]float64{{2}}, [][]float64{{1}}, 1},
		{"task count mismatch", [][]float64{{1}}, [][]float64{{1}, {2}}, math.NaN()},
		{"no tasks", nil, nil, math.NaN()},
		{"empty task", [][]float64{{}}, [][]float64{{1}}, math.NaN()},
		{"NaN", [][]float64{{math.NaN()}}, [][]float64{{1}}, math.NaN()},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := ProbabilityOfImprovement(tc.x, tc.y); !approx(got, tc.want) {
				t.Errorf("P(%v > %v) = %v, want %v", tc.x, tc.y, got, tc.want)
			}
		})
	}
}

// TestProbabilityOfImprovementComplement checks P(X>Y) + P(Y>X) = 1 on
// data with ties, which follows from ties counting ½ on both sides.
func TestProbabilityOfImprovementComplement(t *testing.T) {
	x := [][]float64{{1, 2, 2, 5}, {0.3, 0.3, 0.9}}
	y := [][]float64{{2, 3, 1}, {0.3, 0.1, 0.9, 1.0}}
	if s := ProbabilityOfImprovement(x, y) + ProbabilityOfImprovement(y, x); !approx(s, 1) {
		t.Errorf("P(X>Y) + P(Y>X) = %v, want 1", s)
	}
}

// TestPooledIQMEqualsPooled checks the specialised PooledIQM against the
// generic Pooled(IQM) on ragged data with ties.
func TestPooledIQMEqualsPooled(t *testing.T) {
	for _, m := range [][][]float64{
		{{1}},
		{{3, 1}, {2, 2, 2}, {9, 0, 4, 4}},
		normalMatrix(5, 5, 8),
		normalMatrix(3, 7, 9),
	} {
		if a, b := PooledIQM(m), Pooled(IQM)(m); a != b {
			t.Errorf("PooledIQM(%v) = %v, Pooled(IQM) = %v", m, a, b)
		}
	}
	if got := PooledIQM([][]float64{{1, math.NaN()}}); !math.IsNaN(got) {
		t.Errorf("PooledIQM with NaN = %v, want NaN", got)
	}
}
