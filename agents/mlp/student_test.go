package mlp

import (
	"bytes"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/smgrnn/arena/agents/activation"
	"github.com/smgrnn/arena/agents/head"
	"github.com/smgrnn/arena/framework"
	"github.com/smgrnn/arena/framework/studenttest"
)

func TestConformance(t *testing.T) {
	studenttest.RunWith(t, func(cfg framework.StudentConfig) (framework.Student, error) {
		return New(cfg)
	}, studenttest.Options{ResumeExact: true})
}

// TestConformanceSmall runs the suite on a small ReLU network too, so the
// checks do not depend on the default's capacity.
func TestConformanceSmall(t *testing.T) {
	if testing.Short() {
		t.Skip("short mode")
	}
	studenttest.RunWith(t, func(cfg framework.StudentConfig) (framework.Student, error) {
		return New(cfg)
	}, studenttest.Options{Params: framework.Params{"hidden": []any{int64(8)}, "activation": "relu"}, ResumeExact: true})
}

// TestConformanceScaled runs the suite with input scaling on.
func TestConformanceScaled(t *testing.T) {
	if testing.Short() {
		t.Skip("short mode")
	}
	studenttest.RunWith(t, func(cfg framework.StudentConfig) (framework.Student, error) {
		return New(cfg)
	}, studenttest.Options{Params: framework.Params{"hidden": []any{int64(8)}, "scale_inputs": true}, ResumeExact: true})
}

// TestScaleInputs checks that scale_inputs feeds the network the scaled
// observations: a scaled student acts on x as an unscaled one with the
// same weights acts on x mapped onto [-1, 1].
func TestScaleInputs(t *testing.T) {
	obs := framework.NewBox([]float64{-1.2, -0.07}, []float64{0.6, 0.07})
	mk := func(scale bool) *Student {
		s, err := New(framework.StudentConfig{ObservationSpace: obs, ActionSpace: &framework.Discrete{N: 3}, Seed: 2,
			Params: framework.Params{"scale_inputs": scale}})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	scaled, plain := mk(true), mk(false)
	x := []float64{-1.2, 0.07, 0.6, -0.07, -0.3, 0, -0.5, 0.01}
	mapped := make([]float64, len(x))
	for i, v := range x {
		lo, hi := obs.Low[i%2], obs.High[i%2]
		mapped[i] = (v - (lo+hi)/2) * (2 / (hi - lo))
	}
	if slices.Equal(mapped, x) {
		t.Fatal("the test's inputs do not change under scaling")
	}
	a, b := make([]float64, 4), make([]float64, 4)
	if err := scaled.Act(x, 4, a); err != nil {
		t.Fatal(err)
	}
	if err := plain.Act(mapped, 4, b); err != nil {
		t.Fatal(err)
	}
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("scaled student acts %v on %v, unscaled one %v on the mapped %v", a, x, b, mapped)
		}
	}
	labels := framework.Labels{Actions: []float64{0, 1, 2, 1}}
	la, err := scaled.Train(framework.Batch{Obs: x, N: 4, Labels: labels})
	if err != nil {
		t.Fatal(err)
	}
	lb, err := plain.Train(framework.Batch{Obs: mapped, N: 4, Labels: labels})
	if err != nil {
		t.Fatal(err)
	}
	if la != lb || !slices.Equal(scaled.net.Params(), plain.net.Params()) {
		t.Errorf("training on x scaled gave loss %v, on the mapped x %v (weights equal: %v)", la, lb, slices.Equal(scaled.net.Params(), plain.net.Params()))
	}
}

var (
	cartPoleObs = framework.NewBox([]float64{-4.8, math.Inf(-1), -0.42, math.Inf(-1)}, []float64{4.8, math.Inf(1), 0.42, math.Inf(1)})
	twoActions  = &framework.Discrete{N: 2}
)

func TestNewSettings(t *testing.T) {
	tests := []struct {
		name    string
		params  framework.Params
		act     framework.Space
		adam    framework.Adam
		wantErr string
		want    framework.Size
	}{
		{name: "default", want: framework.Size{Params: 4610, Hidden: 128, Edges: 4480}},
		{name: "hidden-8", params: framework.Params{"hidden": []any{int64(8)}}, want: framework.Size{Params: 58, Hidden: 8, Edges: 48}},
		{name: "linear", params: framework.Params{"hidden": []any{}}, want: framework.Size{Params: 10, Hidden: 0, Edges: 8}},
		{name: "relu-256x256", params: framework.Params{"hidden": []int64{256, 256}, "activation": "relu"}, want: framework.Size{Params: 4*256 + 256 + 256*256 + 256 + 256*2 + 2, Hidden: 512, Edges: 4*256 + 256*256 + 256*2}},
		{name: "box", act: framework.NewBox([]float64{-1}, []float64{1}), want: framework.Size{Params: 4545, Hidden: 128, Edges: 4416}},
		{name: "unknown-setting", params: framework.Params{"hiden": []any{int64(8)}}, wantErr: `unknown setting "hiden"`},
		{name: "zero-layer", params: framework.Params{"hidden": []any{int64(0)}}, wantErr: "positive"},
		{name: "not-a-list", params: framework.Params{"hidden": "64"}, wantErr: "list of integers"},
		{name: "bad-activation", params: framework.Params{"activation": "swish"}, wantErr: "unknown activation"},
		{name: "scale-inputs", params: framework.Params{"scale_inputs": true}, want: framework.Size{Params: 4610, Hidden: 128, Edges: 4480}},
		{name: "bad-scale-inputs", params: framework.Params{"scale_inputs": "yes"}, wantErr: "scale_inputs"},
		{name: "bad-adam", adam: framework.Adam{LearningRate: -1}, wantErr: "learning_rate"},
		{name: "bad-action-space", act: &framework.Discrete{N: 0}, wantErr: "action space"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			act := tt.act
			if act == nil {
				act = twoActions
			}
			s, err := New(framework.StudentConfig{ObservationSpace: cartPoleObs, ActionSpace: act, Seed: 1, Adam: tt.adam, Params: tt.params})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := s.Size(); got != tt.want {
				t.Errorf("Size() = %+v, want %+v", got, tt.want)
			}
		})
	}
	if _, err := New(framework.StudentConfig{ActionSpace: twoActions}); err == nil {
		t.Error("missing observation space accepted")
	}
}

func TestRegistered(t *testing.T) {
	s, err := framework.MakeStudent(Kind, framework.StudentConfig{ObservationSpace: cartPoleObs, ActionSpace: twoActions, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := s.(*Student); !ok {
		t.Errorf("MakeStudent(%q) gave %T", Kind, s)
	}
}

// TestWholeLossGradient checks d(head loss ∘ network)/dparams against
// central differences for every head: the exact gradient Train feeds Adam.
func TestWholeLossGradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	const n = 7
	obs := randSlice(rng, n*3, 1)
	probs := make([]float64, n*3)
	for i := range probs {
		probs[i] = rng.Float64()
	}
	for s := range n {
		sum := probs[s*3] + probs[s*3+1] + probs[s*3+2]
		for j := range 3 {
			probs[s*3+j] /= sum
		}
	}
	box := framework.NewBox([]float64{-2, math.Inf(-1)}, []float64{1, math.Inf(1)})
	tests := []struct {
		name   string
		act    framework.Space
		labels framework.Labels
	}{
		{"cross-entropy", &framework.Discrete{N: 3}, framework.Labels{Actions: []float64{0, 1, 2, 2, 1, 0, 1}}},
		{"kl", &framework.Discrete{N: 3}, framework.Labels{Actions: make([]float64, n), Probs: probs}},
		{"mse-tanh-and-identity", box, framework.Labels{Actions: randSlice(rng, n*2, 1.5)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, err := head.New(tt.act)
			if err != nil {
				t.Fatal(err)
			}
			net, err := NewNetwork([]int{3, 6, 5, h.Outputs()}, activation.Tanh, rng)
			if err != nil {
				t.Fatal(err)
			}
			gout := make([]float64, n*h.Outputs())
			loss := func() float64 { return h.Loss(net.Forward(obs, n), n, &tt.labels, gout) }
			loss()
			grads := make([]float64, net.NumParams())
			net.Backward(gout, grads)
			p := net.Params()
			const eps = 1e-6
			for i := range p {
				orig := p[i]
				p[i] = orig + eps
				lp := loss()
				p[i] = orig - eps
				lm := loss()
				p[i] = orig
				if e := relErr(grads[i], (lp-lm)/(2*eps), 1e-3); e > 1e-6 {
					t.Errorf("param %d: analytic %.12g numeric %.12g (rel err %.3g)", i, grads[i], (lp-lm)/(2*eps), e)
				}
			}
		})
	}
}

// TestLoadMismatch checks that a checkpoint of another network says what
// differs and leaves the student unchanged.
func TestLoadMismatch(t *testing.T) {
	mk := func(params framework.Params, act framework.Space) *Student {
		s, err := New(framework.StudentConfig{ObservationSpace: cartPoleObs, ActionSpace: act, Seed: 5, Params: params})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	save := func(s *Student) []byte {
		var buf bytes.Buffer
		if err := s.Save(&buf); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	base := save(mk(nil, twoActions))
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"sizes", save(mk(framework.Params{"hidden": []any{int64(32)}}, twoActions)), "layer sizes [4 32 2], this student has [4 64 64 2]"},
		{"activation", save(mk(framework.Params{"activation": "relu"}, twoActions)), `activation "relu", this student has "tanh"`},
		{"scale-inputs", save(mk(framework.Params{"scale_inputs": true}, twoActions)), "scale_inputs true, this student has false"},
		{"action-space", save(mk(nil, &framework.Discrete{N: 3})), "action space Discrete(3), this student has Discrete(2)"},
		{"version", bytes.Replace(base, []byte(`"version": 1`), []byte(`"version": 9`), 1), "version 9"},
		{"kind", bytes.Replace(base, []byte(`"kind": "mlp"`), []byte(`"kind": "smgrnn"`), 1), `kind "smgrnn"`},
		{"params", bytes.Replace(base, []byte(`"params": [`), []byte(`"params": [1,`), 1), "4611 parameters"},
		{"trailing-data", append(bytes.Clone(base), []byte("{}")...), "data after"},
		{"moments", bytes.Replace(base, []byte(`"adam_v": [`), []byte(`"adam_v": [1,`), 1), "moments"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := mk(nil, twoActions)
			before := append([]float64(nil), s.net.Params()...)
			err := s.Load(bytes.NewReader(tt.data))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Load error %v, want one containing %q", err, tt.want)
			}
			for i, v := range s.net.Params() {
				if v != before[i] {
					t.Fatal("failed Load changed the weights")
				}
			}
		})
	}
}

// TestCheckpointNonFinite checks that values JSON cannot hold survive a
// round trip.
func TestCheckpointNonFinite(t *testing.T) {
	s, err := New(framework.StudentConfig{ObservationSpace: cartPoleObs, ActionSpace: twoActions, Seed: 5, Params: framework.Params{"hidden": []any{int64(3)}}})
	if err != nil {
		t.Fatal(err)
	}
	s.net.Params()[0] = math.Inf(1)
	s.net.Params()[1] = math.Inf(-1)
	s.net.Params()[2] = math.NaN()
	var buf bytes.Buffer
	if err := s.Save(&buf); err != nil {
		t.Fatal(err)
	}
	u, _ := New(framework.StudentConfig{ObservationSpace: cartPoleObs, ActionSpace: twoActions, Seed: 6, Params: framework.Params{"hidden": []any{int64(3)}}})
	if err := u.Load(&buf); err != nil {
		t.Fatal(err)
	}
	p := u.net.Params()
	if !math.IsInf(p[0], 1) || !math.IsInf(p[1], -1) || !math.IsNaN(p[2]) {
		t.Errorf("non-finite values after round trip: %v", p[:3])
	}
	for i := 3; i < len(p); i++ {
		if p[i] != s.net.Params()[i] {
			t.Fatalf("param %d: %v after round trip, saved %v", i, p[i], s.net.Params()[i])
		}
	}
}

// TestTrainSkipsNonFinite checks that a batch giving a non-finite loss is
// an error and does not touch the weights.
func TestTrainSkipsNonFinite(t *testing.T) {
	s, _ := New(framework.StudentConfig{ObservationSpace: cartPoleObs, ActionSpace: twoActions, Seed: 5})
	before := append([]float64(nil), s.net.Params()...)
	obs := []float64{math.Inf(1), 0, 0, 0}
	if _, err := s.Train(framework.Batch{Obs: obs, N: 1, Labels: framework.Labels{Actions: []float64{1}}}); err == nil {
		t.Error("Train with an infinite observation succeeded")
	}
	for i, v := range s.net.Params() {
		if v != before[i] && !(math.IsNaN(v) && math.IsNaN(before[i])) {
			t.Fatal("skipped step changed the weights")
		}
	}
	if s.opt.Steps() != 0 {
		t.Errorf("Adam took %d steps", s.opt.Steps())
	}
}

// BenchmarkTrain64x64 measures one Train step (forward, loss, backward,
// Adam) of the default 64×64 student on a CartPole-shaped minibatch of 256.
func BenchmarkTrain64x64(b *testing.B) {
	s, err := New(framework.StudentConfig{ObservationSpace: cartPoleObs, ActionSpace: twoActions, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 1))
	const n = 256
	labels := make([]float64, n)
	for i := range labels {
		labels[i] = float64(rng.IntN(2))
	}
	batch := framework.Batch{Obs: randSlice(rng, n*4, 1), N: n, Labels: framework.Labels{Actions: labels}}
	for b.Loop() {
		if _, err := s.Train(batch); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/sample")
}

// TestActingCopy checks that an acting copy acts bit for bit as a student
// loaded from a checkpoint saved at the same moment, with and without the
// skip map, and that training the original afterwards leaves it alone.
func TestActingCopy(t *testing.T) {
	for _, params := range []framework.Params{nil, {"skip": true, "scale_inputs": true}} {
		cfg := framework.StudentConfig{ObservationSpace: cartPoleObs, ActionSpace: twoActions, Seed: 3, Params: params}
		s, err := New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		rng := rand.New(rand.NewPCG(5, 5))
		const n = 64
		labels := make([]float64, n)
		for i := range labels {
			labels[i] = float64(rng.IntN(2))
		}
		batch := framework.Batch{Obs: randSlice(rng, n*4, 1), N: n, Labels: framework.Labels{Actions: labels}}
		train := func() {
			for range 20 {
				if _, err := s.Train(batch); err != nil {
					t.Fatal(err)
				}
			}
		}
		train()
		c := s.ActingCopy()
		var ck bytes.Buffer
		if err := s.Save(&ck); err != nil {
			t.Fatal(err)
		}
		loaded, err := New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		if err := loaded.Load(&ck); err != nil {
			t.Fatal(err)
		}
		train() // the copy must not see this
		obs := randSlice(rng, 500*4, 3)
		want, got, now := make([]float64, 500), make([]float64, 500), make([]float64, 500)
		for _, p := range []struct {
			p   framework.Policy
			out []float64
		}{{loaded, want}, {c, got}, {s, now}} {
			if err := p.p.Act(obs, 500, p.out); err != nil {
				t.Fatal(err)
			}
		}
		if !slices.Equal(want, got) {
			t.Errorf("params %v: the acting copy acts unlike the loaded checkpoint", params)
		}
		cc := c.(*Student)
		if w, g := loaded.forward(loaded.in.Apply(obs), 500), cc.forward(cc.in.Apply(obs), 500); !slices.Equal(w, g) {
			t.Errorf("params %v: the acting copy's outputs differ from the loaded checkpoint's", params)
		}
		if slices.Equal(want, now) {
			t.Errorf("params %v: training after the copy changed no action; the test cannot tell", params)
		}
	}
}
