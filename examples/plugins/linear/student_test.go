package main

import (
	"bytes"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/smgrnn/arena/framework"
)

func config(act framework.Space, seed uint64) framework.StudentConfig {
	adam := framework.DefaultAdam()
	adam.LearningRate = 0.05
	return framework.StudentConfig{ObservationSpace: framework.NewBox([]float64{-1, -1}, []float64{1, 1}),
		ActionSpace: act, Seed: seed, Adam: adam}
}

// teacherBatch labels n random observations with a linear rule the student
// can represent exactly.
func teacherBatch(rng *rand.Rand, n int, discrete bool) framework.Batch {
	b := framework.Batch{Obs: make([]float64, 2*n), N: n, Labels: framework.Labels{Actions: make([]float64, n)}}
	for i := range n {
		x, y := 2*rng.Float64()-1, 2*rng.Float64()-1
		b.Obs[2*i], b.Obs[2*i+1] = x, y
		if discrete {
			if x+y > 0 {
				b.Labels.Actions[i] = 1
			}
		} else {
			b.Labels.Actions[i] = 0.5*x - 0.25*y
		}
	}
	return b
}

func TestLinearLearns(t *testing.T) {
	tests := []struct {
		name     string
		act      framework.Space
		discrete bool
		maxLoss  float64
	}{
		{"discrete", &framework.Discrete{N: 2}, true, 0.2},
		{"box", framework.NewBox([]float64{-1}, []float64{1}), false, 1e-3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := New(config(tc.act, 1))
			if err != nil {
				t.Fatal(err)
			}
			rng := rand.New(rand.NewPCG(1, 2))
			var first, last float64
			for i := range 500 {
				loss, err := s.Train(teacherBatch(rng, 64, tc.discrete))
				if err != nil {
					t.Fatal(err)
				}
				if i == 0 {
					first = loss
				}
				last = loss
			}
			if last > tc.maxLoss || last >= first {
				t.Errorf("loss went from %.4f to %.4f, want below %v", first, last, tc.maxLoss)
			}
		})
	}
}

func TestLinearSaveLoadAndDeterminism(t *testing.T) {
	a, _ := New(config(&framework.Discrete{N: 3}, 7))
	b, _ := New(config(&framework.Discrete{N: 3}, 7))
	for i := range a.W {
		if math.Float64bits(a.W[i]) != math.Float64bits(b.W[i]) {
			t.Fatal("two students of one seed differ")
		}
	}
	rng := rand.New(rand.NewPCG(3, 3))
	a.Train(teacherBatch(rng, 16, true))
	var buf bytes.Buffer
	if err := a.Save(&buf); err != nil {
		t.Fatal(err)
	}
	c, _ := New(config(&framework.Discrete{N: 3}, 99))
	if err := c.Load(&buf); err != nil {
		t.Fatal(err)
	}
	obs := []float64{0.3, -0.2, -0.9, 0.8}
	want, got := make([]float64, 2), make([]float64, 2)
	a.Act(obs, 2, want)
	c.Act(obs, 2, got)
	if want[0] != got[0] || want[1] != got[1] {
		t.Errorf("loaded student acts %v, saved one %v", got, want)
	}
	other, _ := New(config(&framework.Discrete{N: 4}, 1))
	buf.Reset()
	a.Save(&buf)
	if err := other.Load(&buf); err == nil {
		t.Error("a checkpoint of 3 actions loaded into a student of 4")
	}
}

func TestLinearRejectsBadSettings(t *testing.T) {
	tests := []struct {
		name   string
		params framework.Params
	}{
		{"unknown key", framework.Params{"hidden": []any{int64(8)}}},
		{"negative scale", framework.Params{"init_scale": -1.0}},
		{"scale not a number", framework.Params{"init_scale": "big"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := config(&framework.Discrete{N: 2}, 1)
			cfg.Params = tc.params
			if _, err := New(cfg); err == nil {
				t.Error("no error")
			}
		})
	}
}

func BenchmarkTrain64(b *testing.B) {
	s, _ := New(config(&framework.Discrete{N: 2}, 1))
	batch := teacherBatch(rand.New(rand.NewPCG(1, 1)), 64, true)
	for b.Loop() {
		s.Train(batch)
	}
}
