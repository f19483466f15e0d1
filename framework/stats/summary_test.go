package stats

import (
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
)

// TestSummarizeHand checks a Summary of one environment's seeds against
// hand-computed points.
func TestSummarizeHand(t *testing.T) {
	// Seeds 0.2, 0.9, 1.1, 1.0, 0.8. Mean 4.0/5 = 0.8. Deviations −0.6,
	// 0.1, 0.3, 0.2, 0 → squares 0.36+0.01+0.09+0.04+0 = 0.5 → sample
	// std √(0.5/4). IQM: n = 5, k = 1, sorted 0.2 | 0.8 0.9 1.0 | 1.1 →
	// 2.7/3 = 0.9. Gap: max(1−x, 0) = 0.8, 0.1, 0, 0, 0.2 → 1.1/5 = 0.22.
	s, err := Summarize([][]float64{{0.2, 0.9, 1.1, 1.0, 0.8}}, Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if s.Tasks != 1 || s.Runs != 5 {
		t.Errorf("Tasks, Runs = %d, %d, want 1, 5", s.Tasks, s.Runs)
	}
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"mean", s.Mean.Point, 0.8},
		{"std", s.Std, math.Sqrt(0.5 / 4)},
		{"iqm", s.IQM.Point, 0.9},
		{"median", s.Median.Point, 0.9},
		{"gap", s.OptimalityGap.Point, 0.22},
	} {
		if !approx(c.got, c.want) {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	for name, iv := range map[string]Interval{"mean": s.Mean, "iqm": s.IQM, "gap": s.OptimalityGap} {
		if !(iv.Lo <= iv.Hi) || iv.Lo < 0 || iv.Hi > 1.1 {
			t.Errorf("%s interval %v outside the data's range", name, iv)
		}
	}
}

// TestSummarizeMatchesEstimate checks that sharing resamples between the
// three statistics gives each the interval it would get alone.
func TestSummarizeMatchesEstimate(t *testing.T) {
	data := normalMatrix(5, 5, 3)
	opt := Options{Seed: 9}
	s, err := Summarize(data, opt)
	if err != nil {
		t.Fatal(err)
	}
	gap := Pooled(func(x []float64) float64 { return OptimalityGap(x, 1) })
	for name, c := range map[string]struct {
		got  Interval
		stat MatrixStat
	}{
		"mean":   {s.Mean, Pooled(Mean)},
		"iqm":    {s.IQM, PooledIQM},
		"gap":    {s.OptimalityGap, gap},
		"median": {s.Median, Pooled(Median)},
	} {
		want, err := opt.Estimate(data, c.stat)
		if err != nil {
			t.Fatal(err)
		}
		if c.got != want {
			t.Errorf("%s: Summarize %v, Estimate %v", name, c.got, want)
		}
	}
	if s.Tasks != 5 || s.Runs != 25 {
		t.Errorf("Tasks, Runs = %d, %d, want 5, 25", s.Tasks, s.Runs)
	}
}

func TestSummarizeSingleSeed(t *testing.T) {
	s, err := Summarize([][]float64{{0.6}}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for name, iv := range map[string]Interval{"mean": s.Mean, "iqm": s.IQM} {
		if iv != (Interval{0.6, 0.6, 0.6}) {
			t.Errorf("%s = %v, want 0.6 collapsed", name, iv)
		}
	}
	if !approx(s.OptimalityGap.Point, 0.4) || s.OptimalityGap.Lo != s.OptimalityGap.Hi {
		t.Errorf("gap = %v, want 0.4 collapsed", s.OptimalityGap)
	}
	if !math.IsNaN(s.Std) {
		t.Errorf("Std of one seed = %v, want NaN", s.Std)
	}
}

func TestSummarizeErrors(t *testing.T) {
	tests := []struct {
		name   string
		scores [][]float64
		opt    Options
		want   error
	}{
		{"empty", nil, Options{}, ErrEmpty},
		{"empty task", [][]float64{{1}, nil}, Options{}, ErrEmpty},
		{"NaN", [][]float64{{math.NaN()}}, Options{}, ErrNonFinite},
		{"bad alpha", [][]float64{{1}}, Options{Alpha: -0.1}, ErrInvalid},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Summarize(tc.scores, tc.opt); !errors.Is(err, tc.want) {
				t.Errorf("err = %v, want %v", err, tc.want)
			}
		})
	}
}

func TestImprovementProbability(t *testing.T) {
	x := normalMatrix(5, 5, 1)
	y := normalMatrix(5, 5, 2)
	iv, err := ImprovementProbability(x, y, Options{Seed: 4})
	if err != nil {
		t.Fatal(err)
	}
	if iv.Point != ProbabilityOfImprovement(x, y) || !(iv.Lo <= iv.Point && iv.Point <= iv.Hi) || iv.Lo < 0 || iv.Hi > 1 {
		t.Errorf("interval %v: want point P(X>Y) = %v inside, within [0, 1]", iv, ProbabilityOfImprovement(x, y))
	}
	again, err := ImprovementProbability(x, y, Options{Seed: 4})
	if err != nil || again != iv {
		t.Errorf("same seed gave %v (%v), then %v", iv, err, again)
	}
	// Against itself the point is exactly ½.
	self, err := ImprovementProbability(x, x, Options{Seed: 4})
	if err != nil || self.Point != 0.5 {
		t.Errorf("P(X>X) = %v (%v), want 0.5", self, err)
	}
	if _, err := ImprovementProbability(x, y[:4], Options{}); !errors.Is(err, ErrInvalid) {
		t.Errorf("task mismatch: err = %v, want ErrInvalid", err)
	}
}

func TestSummaryJSON(t *testing.T) {
	tests := []struct {
		name    string
		scores  [][]float64
		wantStd string
	}{
		{"single seed", [][]float64{{0.6}}, `"std":null`},
		// Runs 0 and 1: sample std √(0.5/1).
		{"two seeds", [][]float64{{0, 1}}, `"std":0.7071067811865476`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Summarize(tc.scores, Options{Reps: 100})
			if err != nil {
				t.Fatal(err)
			}
			b, err := json.Marshal(s)
			if err != nil {
				t.Fatalf("marshal: %v", err)
			}
			if !strings.Contains(string(b), tc.wantStd) {
				t.Errorf("JSON %s lacks %s", b, tc.wantStd)
			}
			var back Summary
			if err := json.Unmarshal(b, &back); err != nil {
				t.Fatalf("unmarshal: %v", err)
			}
			if back.Tasks != s.Tasks || back.Runs != s.Runs || back.Mean != s.Mean || back.IQM != s.IQM ||
				back.OptimalityGap != s.OptimalityGap || !approx(back.Std, s.Std) {
				t.Errorf("round trip: %+v, want %+v", back, s)
			}
		})
	}
	var s Summary
	if err := json.Unmarshal([]byte(`{"std":"x"}`), &s); err == nil {
		t.Error("bad JSON decoded without error")
	}
}
