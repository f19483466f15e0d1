package adam

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/smgrnn/arena/framework"
)

// TestStepHandComputed checks three updates against values computed by hand
// (textbook Adam with bias-corrected m̂ and v̂, evaluated in Python).
func TestStepHandComputed(t *testing.T) {
	cfg := framework.Adam{LearningRate: 0.1, Beta1: 0.9, Beta2: 0.999, Epsilon: 1e-8}
	params := []float64{1, -2}
	grads := [][]float64{{0.5, 0}, {-1, 2}, {0.25, -3}}
	want := [][]float64{
		{0.900000002, -2.0},
		{0.9366103542405654, -2.0744136818306456},
		{0.9502794203389762, -2.053149408518132},
	}
	a := New(cfg, 2)
	for step, g := range grads {
		a.Step(params, append([]float64(nil), g...))
		if a.Steps() != step+1 {
			t.Fatalf("Steps() = %d after %d steps", a.Steps(), step+1)
		}
		for i := range params {
			if d := math.Abs(params[i] - want[step][i]); d > 1e-12*math.Abs(want[step][i]) {
				t.Errorf("step %d param %d = %.17g, want %.17g", step+1, i, params[i], want[step][i])
			}
		}
	}
}

// TestUpdateMatchesStep checks that caller-owned moments give the same
// trajectory as the Adam type, clip included.
func TestUpdateMatchesStep(t *testing.T) {
	cfg := framework.Adam{LearningRate: 0.01, Beta1: 0.8, Beta2: 0.99, Epsilon: 1e-6, GradClip: 1}
	p1 := []float64{0.3, -0.7, 2}
	p2 := append([]float64(nil), p1...)
	m, v := make([]float64, 3), make([]float64, 3)
	a := New(cfg, 3)
	for step := 1; step <= 5; step++ {
		g := []float64{float64(step), -2, 0.5 * float64(step%2)}
		a.Step(p1, append([]float64(nil), g...))
		Update(cfg, step, p2, append([]float64(nil), g...), m, v)
	}
	for i := range p1 {
		if p1[i] != p2[i] {
			t.Errorf("param %d: Step gives %v, Update gives %v", i, p1[i], p2[i])
		}
	}
}

// TestFirstStepSize checks Adam's signature property: the first update
// moves every parameter with a non-zero gradient by about lr, whatever the
// gradient's scale, and leaves zero-gradient parameters alone.
func TestFirstStepSize(t *testing.T) {
	for _, scale := range []float64{1e-2, 1, 1e4} {
		cfg := framework.DefaultAdam()
		p := []float64{0, 0, 0}
		New(cfg, 3).Step(p, []float64{scale, -scale, 0})
		if math.Abs(p[0]+1e-3) > 1e-8 || math.Abs(p[1]-1e-3) > 1e-8 || p[2] != 0 {
			t.Errorf("scale %g: first step gives %v, want [-1e-3 1e-3 0]", scale, p)
		}
	}
}

func TestClipNorm(t *testing.T) {
	tests := []struct {
		name     string
		grads    []float64
		max      float64
		wantNorm float64
		want     []float64
	}{
		{"below", []float64{3, 4}, 10, 5, []float64{3, 4}},
		{"equal", []float64{3, 4}, 5, 5, []float64{3, 4}},
		{"above", []float64{3, 4}, 1, 5, []float64{0.6, 0.8}},
		{"off", []float64{3, 4}, 0, 5, []float64{3, 4}},
		{"zero", []float64{0, 0}, 1, 0, []float64{0, 0}},
		{"empty", nil, 1, 0, nil},
		{"huge", []float64{3e300, 4e300}, 1, 5e300, []float64{0.6, 0.8}},
		{"tiny", []float64{3e-300, 4e-300}, 1, 5e-300, []float64{3e-300, 4e-300}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := append([]float64(nil), tt.grads...)
			norm := ClipNorm(g, tt.max)
			if math.Abs(norm-tt.wantNorm) > 1e-15*tt.wantNorm {
				t.Errorf("norm = %v, want %v", norm, tt.wantNorm)
			}
			for i := range g {
				if math.Abs(g[i]-tt.want[i]) > 1e-15*math.Abs(tt.want[i]) {
					t.Errorf("grads = %v, want %v", g, tt.want)
					break
				}
			}
		})
	}
}

// TestStepClips checks that Step applies the clip before the update: with
// clipping, the second step's moments see the clipped gradient.
func TestStepClips(t *testing.T) {
	cfg := framework.DefaultAdam()
	cfg.GradClip = 1
	a := New(cfg, 2)
	g := []float64{30, 40}
	a.Step([]float64{0, 0}, g)
	_, m, _ := a.State()
	if math.Abs(g[0]-0.6) > 1e-15 || math.Abs(m[0]-0.06) > 1e-15 || math.Abs(m[1]-0.08) > 1e-15 {
		t.Errorf("after clipped step: grads %v, m %v; want grads [0.6 0.8], m [0.06 0.08]", g, m)
	}
}

func TestSetState(t *testing.T) {
	a := New(framework.DefaultAdam(), 2)
	if err := a.SetState(3, []float64{1, 2}, []float64{3, 4}); err != nil {
		t.Fatal(err)
	}
	if n, m, v := a.State(); n != 3 || m[1] != 2 || v[0] != 3 {
		t.Errorf("State() = %d %v %v", n, m, v)
	}
	if err := a.SetState(1, []float64{1}, []float64{3, 4}); err == nil {
		t.Error("wrong-length state accepted")
	}
	if err := a.SetState(1, []float64{1, 2}, []float64{-3, 4}); err == nil {
		t.Error("negative second moment accepted")
	}
	if err := a.SetState(-1, []float64{1, 2}, []float64{3, 4}); err == nil {
		t.Error("negative step accepted")
	}
}

func BenchmarkStep(b *testing.B) {
	const n = 5000
	a := New(framework.DefaultAdam(), n)
	p, g := make([]float64, n), make([]float64, n)
	for i := range g {
		g[i] = float64(i%7) - 3
	}
	b.ResetTimer()
	for b.Loop() {
		a.Step(p, g)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/param")
}

// TestL2 checks the fast and the scaled paths of the norm, including NaN
// and infinite entries.
func TestL2(t *testing.T) {
	tests := []struct {
		x    []float64
		want float64
	}{
		{[]float64{3, 4}, 5},
		{[]float64{3e200, 4e200}, 5e200},
		{[]float64{3e-200, 4e-200}, 5e-200},
		{[]float64{1e200, 1e-200}, 1e200},
		{[]float64{}, 0},
		{[]float64{0, 0}, 0},
		{[]float64{1, math.Inf(-1)}, math.Inf(1)},
	}
	for _, tt := range tests {
		if got := l2(tt.x); math.Abs(got-tt.want) > 1e-15*tt.want && got != tt.want {
			t.Errorf("l2(%v) = %v, want %v", tt.x, got, tt.want)
		}
	}
	if got := l2([]float64{1, math.NaN()}); !math.IsNaN(got) {
		t.Errorf("l2 with NaN = %v", got)
	}
	if got := l2([]float64{math.Inf(1), math.NaN()}); !math.IsNaN(got) {
		t.Errorf("l2 with Inf and NaN = %v", got)
	}
}

// TestFiniteNorm holds FiniteNorm to the check it replaces, ClipNorm(x, 0)
// being neither NaN nor infinite, including sums of squares that overflow
// while the norm does not.
func TestFiniteNorm(t *testing.T) {
	inf, nan := math.Inf(1), math.NaN()
	for _, x := range [][]float64{
		nil,
		{0},
		{1, -2, 3},
		{1, 2, 3, 4, 5, 6, 7},
		{1e200, 1e200, -1e200, 1e200, 1e200},
		{1e-200, 1e-300, math.SmallestNonzeroFloat64},
		{math.MaxFloat64, math.MaxFloat64},
		{1, 2, 3, 4, nan},
		{1, 2, 3, 4, 5, inf},
		{-inf, 1},
		{1e200, nan, 1e200},
		{1e200, 1e200, 1e200, 1e200, -inf},
	} {
		g := ClipNorm(slices.Clone(x), 0)
		if want := !math.IsNaN(g) && !math.IsInf(g, 0); FiniteNorm(x) != want {
			t.Errorf("FiniteNorm(%v) = %v, ClipNorm says %v", x, !want, g)
		}
	}
}

// TestUpdateKernel holds Update with each vector kernel the CPU has to
// the plain loop, bit for bit, over many steps on every length up to a few
// blocks, with gradients spread over many orders of magnitude, zeros among
// them, and a gradient clip.
func TestUpdateKernel(t *testing.T) {
	defer setUpdateLanes(setUpdateLanes(0))
	cfg := framework.DefaultAdam()
	clipped := cfg
	clipped.GradClip = 0.5
	for _, c := range []framework.Adam{cfg, clipped} {
		for n := range 27 {
			rng := rand.New(rand.NewPCG(uint64(n), 9))
			params := make([]float64, n)
			for i := range params {
				params[i] = rng.NormFloat64()
			}
			run := func(lanes int) []float64 {
				setUpdateLanes(lanes)
				p, m, v := slices.Clone(params), make([]float64, n), make([]float64, n)
				r := rand.New(rand.NewPCG(uint64(n), 10))
				for step := 1; step <= 50; step++ {
					g := make([]float64, n)
					for i := range g {
						if r.IntN(5) > 0 {
							g[i] = (r.Float64()*2 - 1) * math.Exp2(float64(r.IntN(40)-20))
						}
					}
					Update(c, step, p, g, m, v)
				}
				return append(append(p, m...), v...)
			}
			want := run(0)
			for _, lanes := range updateWidths()[1:] {
				got := run(lanes)
				for i := range want {
					if math.Float64bits(want[i]) != math.Float64bits(got[i]) {
						t.Fatalf("clip %v, %d parameters, %d lanes: value %d is %v, the plain loop's %v", c.GradClip, n, lanes, i, got[i], want[i])
					}
				}
			}
		}
	}
}
