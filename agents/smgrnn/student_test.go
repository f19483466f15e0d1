package smgrnn

import (
	"bytes"
	"encoding/gob"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/smgrnn/arena/agents/smgrnn/graph"
	"github.com/smgrnn/arena/framework"
)

// task is a synthetic labelled dataset: a nonlinear teacher on a box of
// observations, so learning it needs hidden neurons.
type task struct {
	obs, act framework.Space
	label    func(x []float64, out []float64)
}

var (
	discreteTask = task{
		obs: framework.NewBox([]float64{-2, -2, -2}, []float64{2, 2, 2}),
		act: &framework.Discrete{N: 3},
		label: func(x, out []float64) {
			// Three classes by the sign pattern of a product and a sum.
			switch {
			case x[0]*x[1] > 0.3:
				out[0] = 0
			case x[1]+x[2] > 0:
				out[0] = 1
			default:
				out[0] = 2
			}
		},
	}
	boxTask = task{
		obs: framework.NewBox([]float64{-2, -2}, []float64{2, 2}),
		act: framework.NewBox([]float64{-1, -1}, []float64{1, 1}),
		label: func(x, out []float64) {
			out[0] = 0.8 * math.Sin(1.5*x[0]) * math.Cos(x[1])
			out[1] = math.Tanh(x[0] - x[1]*x[1]/2)
		},
	}
)

func (tk task) batch(rng *rand.Rand, n int) framework.Batch {
	d, a := tk.obs.Dim(), tk.act.Dim()
	b := framework.Batch{Obs: make([]float64, n*d), N: n, Labels: framework.Labels{Actions: make([]float64, n*a)}}
	for i := 0; i < n; i++ {
		tk.obs.Sample(rng, b.Obs[i*d:(i+1)*d])
		tk.label(b.Obs[i*d:(i+1)*d], b.Labels.Actions[i*a:(i+1)*a])
	}
	return b
}

func newStudent(t testing.TB, tk task, seed uint64, params framework.Params) *Student {
	t.Helper()
	adam := framework.DefaultAdam()
	adam.LearningRate = 3e-3
	s, err := New(framework.StudentConfig{ObservationSpace: tk.obs, ActionSpace: tk.act, Seed: seed, Adam: adam, Params: params})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// score is accuracy (Discrete) or 1 − RMSE (Box) on fresh samples.
func score(t testing.TB, s *Student, tk task, rng *rand.Rand) float64 {
	b := tk.batch(rng, 2000)
	acts := make([]float64, b.N*tk.act.Dim())
	if err := s.Act(b.Obs, b.N, acts); err != nil {
		t.Fatal(err)
	}
	if _, ok := tk.act.(*framework.Discrete); ok {
		hit := 0
		for i := range acts {
			if acts[i] == b.Labels.Actions[i] {
				hit++
			}
		}
		return float64(hit) / float64(b.N)
	}
	se := 0.0
	for i := range acts {
		se += (acts[i] - b.Labels.Actions[i]) * (acts[i] - b.Labels.Actions[i])
	}
	return 1 - math.Sqrt(se/float64(len(acts)))
}

func TestLearns(t *testing.T) {
	steps := 6000
	if testing.Short() {
		steps = 3000
	}
	for _, tc := range []struct {
		name     string
		tk       task
		strategy string
		want     float64
	}{
		{"discrete paper", discreteTask, "paper", 0.9},
		{"box paper", boxTask, "paper", 0.85},
		{"discrete static", discreteTask, "static", 0.85},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newStudent(t, tc.tk, 1, framework.Params{"strategy": tc.strategy})
			rng := rand.New(rand.NewPCG(5, 5))
			before := score(t, s, tc.tk, rng)
			for i := 0; i < steps; i++ {
				if _, err := s.Train(tc.tk.batch(rng, 64)); err != nil {
					t.Fatal(err)
				}
			}
			after := score(t, s, tc.tk, rng)
			t.Logf("score %.3f -> %.3f, size %+v, events %v", before, after, s.Size(), s.StructureEvents())
			if after < tc.want {
				t.Errorf("score %.3f after %d steps, want at least %.2f", after, steps, tc.want)
			}
		})
	}
}

func TestSettingsStrict(t *testing.T) {
	for _, tc := range []struct {
		params framework.Params
		want   string
	}{
		{framework.Params{"strategi": "paper"}, "strategi"},
		{framework.Params{"strategy": "nope"}, "nope"},
		{framework.Params{"spm": map[string]any{"windw": int64(3)}}, "windw"},
		{framework.Params{"spm": map[string]any{"window": 0.5}}, "window"},
		{framework.Params{"spm": map[string]any{"p_rand": 2.0}}, "p_rand"},
		{framework.Params{"density": 1.5}, "density"},
		{framework.Params{"activation": "swish"}, "swish"},
		{framework.Params{"init_hidden": int64(-1)}, "init_hidden"},
		{framework.Params{"spm": map[string]any{"edge_signal": "loss"}}, "edge_signal"},
		{framework.Params{"spm": map[string]any{"lambda_grad": 0.0}}, "lambda_grad"},
	} {
		_, err := New(framework.StudentConfig{ObservationSpace: boxTask.obs, ActionSpace: boxTask.act, Adam: framework.DefaultAdam(), Params: tc.params})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("params %v: error %v, want one naming %q", tc.params, err, tc.want)
		}
	}
	s, err := framework.MakeStudent(Kind, framework.StudentConfig{ObservationSpace: boxTask.obs, ActionSpace: boxTask.act, Adam: framework.DefaultAdam(),
		Params: framework.Params{"strategy": "no-growth", "init_hidden": int64(3), "spm": map[string]any{"window": int64(10), "tau_act": 0.001}}})
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Size().Hidden; got != 3 {
		t.Errorf("hidden %d, want 3", got)
	}
}

// fastParams make the SPM edit often, so short tests see many edits.
func fastParams(strategy string) framework.Params {
	return framework.Params{"strategy": strategy, "spm": map[string]any{
		"window": int64(10), "period": int64(20), "maturity": int64(40), "p_rand": 0.5, "rho_rand": 0.1,
		"tau_w": 0.05, "tau_delta": 0.5, "prune_fraction": 0.5, "tau_act": 1e-3, "lambda_edge": 0.05, "max_insert": int64(3)}}
}

func TestDeterministic(t *testing.T) {
	run := func() (*Student, string) {
		s := newStudent(t, discreteTask, 42, fastParams("paper"))
		rng := rand.New(rand.NewPCG(9, 9))
		for i := 0; i < 1500; i++ {
			if _, err := s.Train(discreteTask.batch(rng, 32)); err != nil {
				t.Fatal(err)
			}
		}
		return s, fingerprint(t, s)
	}
	a, ca := run()
	_, cb := run()
	if ca != cb {
		t.Fatal("same seed gave different weights, structure or statistics")
	}
	ev := a.StructureEvents()
	if ev["grow_neuron"] == 0 || ev["prune_edge"] == 0 {
		t.Errorf("test did not exercise growth and pruning: %v", ev)
	}
	if err := a.Net().Check(); err != nil {
		t.Fatal(err)
	}
}

// fingerprint renders every bit of a student's state that training
// depends on: structure, parameters and moments (as bit patterns), SPM
// windows, step and random state, and the event log. Gob checkpoints are
// not byte-stable (maps encode in random order), so tests compare this.
func fingerprint(t testing.TB, s *Student) string {
	t.Helper()
	var b strings.Builder
	ex, err := json.Marshal(s.Export())
	if err != nil {
		t.Fatal(err)
	}
	b.Write(ex)
	for _, xs := range [][]float64{s.net.P, s.net.M, s.net.V} {
		for _, x := range xs {
			fmt.Fprintf(&b, " %x", math.Float64bits(x))
		}
		b.WriteString("\n")
	}
	if s.mon != nil {
		m, err := json.Marshal(s.mon)
		if err != nil {
			t.Fatal(err)
		}
		b.Write(m)
	}
	rng, _ := s.pcg.MarshalBinary()
	fmt.Fprintf(&b, "\n%d %x", s.step, rng)
	return b.String()
}

func TestSaveLoadContinuation(t *testing.T) {
	for _, strategy := range []string{"paper", "static"} {
		s := newStudent(t, boxTask, 3, fastParams(strategy))
		rng := rand.New(rand.NewPCG(1, 1))
		for i := 0; i < 333; i++ {
			if _, err := s.Train(boxTask.batch(rng, 16)); err != nil {
				t.Fatal(err)
			}
		}
		var buf bytes.Buffer
		if err := s.Save(&buf); err != nil {
			t.Fatal(err)
		}
		// A student built with other settings and seed becomes the saved one.
		r := newStudent(t, boxTask, 77, framework.Params{"init_hidden": int64(9)})
		if err := r.Load(bytes.NewReader(buf.Bytes())); err != nil {
			t.Fatal(err)
		}
		probe := boxTask.batch(rand.New(rand.NewPCG(2, 2)), 100)
		as, ar := make([]float64, 200), make([]float64, 200)
		_ = s.Act(probe.Obs, 100, as)
		_ = r.Act(probe.Obs, 100, ar)
		if !slicesEqual(as, ar) {
			t.Fatalf("%s: loaded student acts differently", strategy)
		}
		rs, rr := rand.New(rand.NewPCG(4, 4)), rand.New(rand.NewPCG(4, 4))
		for i := 0; i < 300; i++ {
			ls, err1 := s.Train(boxTask.batch(rs, 16))
			lr, err2 := r.Train(boxTask.batch(rr, 16))
			if err1 != nil || err2 != nil || ls != lr {
				t.Fatalf("%s: continuation diverged at step %d: %v %v (%v, %v)", strategy, i, ls, lr, err1, err2)
			}
		}
		if fingerprint(t, s) != fingerprint(t, r) {
			t.Fatalf("%s: continued states differ", strategy)
		}
	}
}

func TestLoadRejects(t *testing.T) {
	s := newStudent(t, boxTask, 1, nil)
	if err := s.Load(strings.NewReader("garbage")); err == nil {
		t.Error("garbage checkpoint accepted")
	}
	other := newStudent(t, discreteTask, 1, nil)
	var buf bytes.Buffer
	if err := other.Save(&buf); err != nil {
		t.Fatal(err)
	}
	if err := s.Load(&buf); err == nil {
		t.Error("checkpoint of other spaces accepted")
	}
}

func slicesEqual(a, b []float64) bool {
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

// gradParams is fastParams with the edge statistics taken of the gradient.
func gradParams(lambda float64) framework.Params {
	p := fastParams("paper")
	spm := p["spm"].(map[string]any)
	spm["edge_signal"], spm["lambda_grad"] = "gradient", lambda
	return p
}

// TestGradientSignal: with the gradient signal, growth needs gradient noise
// above λ: a tiny λ grows neurons and exploratory edges, a huge one grows
// nothing at all (exploration waits for an unstable edge), while pruning
// and removal still run.
func TestGradientSignal(t *testing.T) {
	run := func(lambda float64) map[string]int {
		s := newStudent(t, discreteTask, 5, gradParams(lambda))
		if !s.gradSignal {
			t.Fatal("edge_signal gradient did not reach the student")
		}
		rng := rand.New(rand.NewPCG(3, 3))
		for i := 0; i < 600; i++ {
			if _, err := s.Train(discreteTask.batch(rng, 32)); err != nil {
				t.Fatal(err)
			}
		}
		return s.StructureEvents()
	}
	low, high := run(1e-12), run(1e12)
	if low["grow_neuron"] == 0 || low["add_edge"] == 0 {
		t.Errorf("λ 1e-12: events %v, want neurons and exploratory edges", low)
	}
	if high["grow_neuron"] != 0 || high["add_edge"] != 0 {
		t.Errorf("λ 1e12: events %v, want no growth", high)
	}
}

// signalParams is fastParams with growth's and pruning's signals chosen.
func signalParams(growth, prune string) framework.Params {
	p := fastParams("paper")
	spm := p["spm"].(map[string]any)
	spm["edge_signal"], spm["prune_signal"], spm["lambda_grad"] = growth, prune, 1e-6
	return p
}

// TestEdgeSignalsAreWhatTheySay: after one step the SPM's edge statistics
// hold exactly the signal each test reads: the loss gradient taken before
// the step, or the applied change Δw; with different signals for growth
// and pruning, the monitor keeps both.
func TestEdgeSignalsAreWhatTheySay(t *testing.T) {
	for _, growth := range []string{"update", "gradient"} {
		for _, prune := range []string{"update", "gradient"} {
			s := newStudent(t, discreteTask, 5, signalParams(growth, prune))
			b := discreteTask.batch(rand.New(rand.NewPCG(3, 3)), 32)
			// The gradient, computed on the network before the step.
			net := s.net
			var w graph.Work
			if err := net.Forward(s.in.Apply(b.Obs), b.N, &w); err != nil {
				t.Fatal(err)
			}
			raw, draw := make([]float64, b.N*net.NOut), make([]float64, b.N*net.NOut)
			net.Outputs(&w, raw)
			s.head.Loss(raw, b.N, &b.Labels, draw)
			grad := make([]float64, len(net.P))
			net.Backward(&w, draw, grad)
			before := append([]float64(nil), net.Weights()...)
			if _, err := s.Train(b); err != nil {
				t.Fatal(err)
			}
			signal := map[string]func(i int) float64{
				"gradient": func(i int) float64 { return grad[i] },
				"update":   func(i int) float64 { return s.net.Weights()[i] - before[i] },
			}
			if s.mon.Second != (growth != prune) {
				t.Fatalf("growth %s, pruning %s: second stream %v", growth, prune, s.mon.Second)
			}
			for i := range before {
				if got, want := s.mon.Edge(i).Mean, signal[growth](i); got != want {
					t.Fatalf("growth %s, pruning %s: edge %d: growth statistic %g, want %g", growth, prune, i, got, want)
				}
				if growth == prune {
					continue
				}
				if got, want := s.mon.SecondEdge(i).Mean, signal[prune](i); got != want {
					t.Fatalf("growth %s, pruning %s: edge %d: pruning statistic %g, want %g", growth, prune, i, got, want)
				}
			}
		}
	}
}

// TestLoadVersion1 loads a checkpoint in version 1's layout (tables as
// maps), as arena wrote before version 2, and continues exactly.
func TestLoadVersion1(t *testing.T) {
	params := fastParams("paper")
	params["spm"] = map[string]any{"window": int64(7)}
	s := newStudent(t, boxTask, 3, params)
	rng := rand.New(rand.NewPCG(1, 1))
	for i := 0; i < 120; i++ {
		if _, err := s.Train(boxTask.batch(rng, 16)); err != nil {
			t.Fatal(err)
		}
	}
	if len(s.events) == 0 {
		t.Fatal("no structural events to save")
	}
	pcg, _ := s.pcg.MarshalBinary()
	g := s.net.Graph()
	c := checkpointV1{ObsDim: s.obsDim, Outputs: s.net.NOut, Adam: s.adam, Strategy: s.set.Strategy, InitHidden: s.set.InitHidden,
		Density: s.set.Density, Activation: s.set.Activation, ScaleInputs: s.set.ScaleInputs, SPM: map[string]any(s.set.SPM),
		Step: s.step, RNG: pcg, NextNode: g.NextNode, NextEdge: g.NextEdge, Nodes: g.Nodes(), Edges: g.Edges(), Monitor: s.mon, Events: s.events}
	var buf bytes.Buffer
	enc := gob.NewEncoder(&buf)
	if err := enc.Encode(checkpointHeader{checkpointFormat, 1}); err != nil {
		t.Fatal(err)
	}
	if err := enc.Encode(&c); err != nil {
		t.Fatal(err)
	}
	r := newStudent(t, boxTask, 77, nil)
	if err := r.Load(&buf); err != nil {
		t.Fatal(err)
	}
	if fingerprint(t, s) != fingerprint(t, r) {
		t.Fatal("a version 1 checkpoint loads to another state")
	}
	rs, rr := rand.New(rand.NewPCG(4, 4)), rand.New(rand.NewPCG(4, 4))
	for i := 0; i < 100; i++ {
		ls, _ := s.Train(boxTask.batch(rs, 16))
		lr, _ := r.Train(boxTask.batch(rr, 16))
		if ls != lr {
			t.Fatalf("continuation diverged at step %d", i)
		}
	}
}
