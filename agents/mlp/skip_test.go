package mlp

import (
	"bytes"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/smgrnn/arena/agents/head"
	"github.com/smgrnn/arena/framework"
	"github.com/smgrnn/arena/framework/studenttest"
)

// TestConformanceSkip runs the suite with the input→output skip map on.
func TestConformanceSkip(t *testing.T) {
	studenttest.RunWith(t, func(cfg framework.StudentConfig) (framework.Student, error) {
		return New(cfg)
	}, studenttest.Options{Params: framework.Params{"hidden": []any{int64(8)}, "skip": true, "scale_inputs": true}, ResumeExact: true})
}

func skipStudent(t *testing.T, act framework.Space, on bool) *Student {
	t.Helper()
	s, err := New(framework.StudentConfig{
		ObservationSpace: framework.NewBox([]float64{-1, -1, -1}, []float64{1, 1, 1}), ActionSpace: act,
		Seed: 4, Params: framework.Params{"hidden": []any{int64(5)}, "skip": on}})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestSkipAddsTheLinearMap: the outputs are the plain network's (same
// seed, same layer weights) plus x·Wᵀ of the skip weights, and the size
// counts the skip weights.
func TestSkipAddsTheLinearMap(t *testing.T) {
	act := framework.NewBox([]float64{-1, -1}, []float64{1, 1})
	plain, with := skipStudent(t, act, false), skipStudent(t, act, true)
	if !slicesEqualBits(plain.net.Params(), with.net.Params()) {
		t.Fatal("skip changed the layers' initial weights")
	}
	rng := rand.New(rand.NewPCG(1, 1))
	const n = 6
	x := randSlice(rng, n*3, 1)
	base := append([]float64(nil), plain.net.Forward(x, n)...)
	got := with.forward(x, n)
	for s := range n {
		for o := range 2 {
			want := base[s*2+o]
			for i := range 3 {
				want += with.skip.w[o*3+i] * x[s*3+i]
			}
			if math.Abs(got[s*2+o]-want) > 1e-12 {
				t.Fatalf("sample %d output %d: %g, want %g", s, o, got[s*2+o], want)
			}
		}
	}
	if d := with.Size().Params - plain.Size().Params; d != 6 {
		t.Errorf("skip adds %d parameters, want 3 inputs × 2 outputs = 6", d)
	}
	if d := with.Size().Edges - plain.Size().Edges; d != 6 {
		t.Errorf("skip adds %d edges, want 6", d)
	}
}

// TestSkipGradient checks the skip weights' gradient against finite
// differences of the head's loss.
func TestSkipGradient(t *testing.T) {
	act := &framework.Discrete{N: 3}
	s := skipStudent(t, act, true)
	h, _ := head.New(act)
	rng := rand.New(rand.NewPCG(2, 2))
	const n = 5
	x := randSlice(rng, n*3, 1)
	labels := framework.Labels{Actions: []float64{0, 2, 1, 1, 0}}
	gout := make([]float64, n*3)
	loss := func() float64 { return h.Loss(s.forward(x, n), n, &labels, gout) }
	loss()
	g := make([]float64, len(s.skip.w))
	s.skip.backward(x, gout, g, n)
	const eps = 1e-6
	for i := range s.skip.w {
		orig := s.skip.w[i]
		s.skip.w[i] = orig + eps
		lp := loss()
		s.skip.w[i] = orig - eps
		lm := loss()
		s.skip.w[i] = orig
		if e := relErr(g[i], (lp-lm)/(2*eps), 1e-3); e > 1e-6 {
			t.Errorf("skip weight %d: analytic %.12g numeric %.12g", i, g[i], (lp-lm)/(2*eps))
		}
	}
}

// TestSkipTrains: a training step moves the skip weights, and a checkpoint
// of a student with skip does not load into one without (and back).
func TestSkipTrains(t *testing.T) {
	act := &framework.Discrete{N: 3}
	s := skipStudent(t, act, true)
	before := append([]float64(nil), s.skip.w...)
	b := framework.Batch{Obs: randSlice(rand.New(rand.NewPCG(3, 3)), 4*3, 1), N: 4, Labels: framework.Labels{Actions: []float64{0, 1, 2, 1}}}
	if _, err := s.Train(b); err != nil {
		t.Fatal(err)
	}
	if slicesEqualBits(before, s.skip.w) {
		t.Error("a training step left the skip weights unchanged")
	}
	var with, without bytes.Buffer
	if err := s.Save(&with); err != nil {
		t.Fatal(err)
	}
	plain := skipStudent(t, act, false)
	if err := plain.Save(&without); err != nil {
		t.Fatal(err)
	}
	if err := plain.Load(&with); err == nil || !strings.Contains(err.Error(), "skip") {
		t.Errorf("loading a skip checkpoint into a plain MLP: %v", err)
	}
	if err := skipStudent(t, act, true).Load(&without); err == nil || !strings.Contains(err.Error(), "skip") {
		t.Errorf("loading a plain checkpoint into a skip MLP: %v", err)
	}
}

func slicesEqualBits(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
			return false
		}
	}
	return true
}
