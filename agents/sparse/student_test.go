package sparse

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/smgrnn/arena/framework"
)

// task is a synthetic distillation task with a CartPole-like or
// Pendulum-like shape: fresh random observations each step, labelled by a
// fixed smooth teacher.
type task struct {
	name     string
	obs, act framework.Space
	label    func(o []float64, out []float64)
}

func tasks() []task {
	return []task{
		{"Discrete(2) from 4", framework.NewBox([]float64{-1, -1, -1, -1}, []float64{1, 1, 1, 1}), &framework.Discrete{N: 2},
			func(o, out []float64) {
				if o[0]+2*o[2]-o[3]*o[1] > 0 {
					out[0] = 1
				} else {
					out[0] = 0
				}
			}},
		{"Box(1) from 3", framework.NewBox([]float64{-1, -1, -8}, []float64{1, 1, 8}), framework.NewBox([]float64{-2}, []float64{2}),
			func(o, out []float64) { out[0] = 1.8 * math.Tanh(2*o[0]-o[1]+0.2*o[2]) }},
	}
}

func (tk task) batch(rng *rand.Rand, n int) framework.Batch {
	d := tk.obs.Dim()
	ad := 1
	if b, ok := tk.act.(*framework.Box); ok {
		ad = b.Dim()
	}
	obs := make([]float64, n*d)
	acts := make([]float64, n*ad)
	box := tk.obs.(*framework.Box)
	for s := range n {
		o := obs[s*d : s*d+d]
		for i := range o {
			o[i] = box.Low[i] + (box.High[i]-box.Low[i])*rng.Float64()
		}
		tk.label(o, acts[s*ad:s*ad+ad])
	}
	return framework.Batch{Obs: obs, N: n, Labels: framework.Labels{Actions: acts}}
}

func build(t *testing.T, m Method, tk task, seed uint64, p framework.Params) *Student {
	t.Helper()
	a := framework.DefaultAdam()
	a.LearningRate = 3e-3
	s, err := New(m, framework.StudentConfig{ObservationSpace: tk.obs, ActionSpace: tk.act, Seed: seed, Adam: a, Params: p})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestTargetHeldAtEndOfTraining trains every method for the default
// schedule's 2,500 updates and checks the parameter count ends within 5% of
// target_params (SET and RigL: at every step).
func TestTargetHeldAtEndOfTraining(t *testing.T) {
	if testing.Short() {
		t.Skip("2,500 updates per method")
	}
	for ti, tk := range tasks() {
		for _, m := range Methods() {
			for _, target := range []int{400, 150}[ti : ti+1] {
				t.Run(fmt.Sprintf("%s/%s/%d", tk.name, m, target), func(t *testing.T) {
					s := build(t, m, tk, 1, framework.Params{"target_params": int64(target)})
					rng := rand.New(rand.NewPCG(9, 9))
					for step := range 2500 {
						if _, err := s.Train(tk.batch(rng, 16)); err != nil {
							t.Fatal(err)
						}
						if m == SET || m == RigL {
							if p := s.Size().Params; math.Abs(float64(p-target)) > 0.05*float64(target) {
								t.Fatalf("step %d: %d parameters, target %d", step+1, p, target)
							}
						}
					}
					p := s.Size().Params
					t.Logf("target %d: %d parameters at the end, widths %v, events %v", target, p, s.net.Sizes(), s.StructureEvents())
					if math.Abs(float64(p-target)) > 0.05*float64(target) {
						t.Errorf("%d parameters at the end, target %d: more than 5%% off", p, target)
					}
					if m != Net2Net && p > target+2 {
						t.Errorf("%d parameters at the end, above target %d", p, target)
					}
					if m == Net2Net && p > target {
						t.Errorf("%d parameters at the end, above the cap %d", p, target)
					}
				})
			}
		}
	}
}

func TestDropFractionSchedule(t *testing.T) {
	tk := tasks()[0]
	set := build(t, SET, tk, 1, framework.Params{"drop_fraction": 0.25, "end_step": int64(1000)})
	rigl := build(t, RigL, tk, 1, framework.Params{"drop_fraction": 0.4, "end_step": int64(1000)})
	for _, tc := range []struct {
		step      int
		set, rigl float64
	}{
		{0, 0.25, 0.4}, {250, 0.25, 0.2 * (1 + math.Cos(math.Pi/4))}, {500, 0.25, 0.2}, {1000, 0.25, 0},
	} {
		if got := set.DropFractionAt(tc.step); math.Abs(got-tc.set) > 1e-15 {
			t.Errorf("SET at %d: %v, want %v", tc.step, got, tc.set)
		}
		if got := rigl.DropFractionAt(tc.step); math.Abs(got-tc.rigl) > 1e-15 {
			t.Errorf("RigL at %d: %v, want %v", tc.step, got, tc.rigl)
		}
	}
}

// TestUpdatesOnlyEveryDeltaT: SET and RigL change their connections at
// multiples of update_every up to end_step, and at no other step.
func TestUpdatesOnlyEveryDeltaT(t *testing.T) {
	tk := tasks()[0]
	for _, m := range []Method{SET, RigL} {
		s := build(t, m, tk, 2, framework.Params{"update_every": int64(7), "end_step": int64(30)})
		rng := rand.New(rand.NewPCG(1, 1))
		for step := 1; step <= 40; step++ {
			before := append([]int32(nil), s.net.layers[1].src...)
			beforeDst := append([]int32(nil), s.net.layers[1].dst...)
			if _, err := s.Train(tk.batch(rng, 16)); err != nil {
				t.Fatal(err)
			}
			changed := !equalInts(before, s.net.layers[1].src) || !equalInts(beforeDst, s.net.layers[1].dst)
			// RigL's cosine decay drops round(0.003·connections) = 0 at 28.
			last := 30
			if m == RigL {
				last = 21
			}
			if due := step%7 == 0 && step <= last; changed != due {
				t.Errorf("%s step %d: connections changed %v, update due %v", m, step, changed, due)
			}
		}
	}
}

func equalInts(a, b []int32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestDropAndGrow: an update drops the smallest-magnitude connections of
// each layer and grows as many at zero weight with fresh moments; RigL's
// grown positions are those of largest dense gradient among the free ones.
func TestDropAndGrow(t *testing.T) {
	tk := tasks()[0]
	for _, m := range []Method{SET, RigL} {
		s := build(t, m, tk, 4, framework.Params{"update_every": int64(1000)})
		rng := rand.New(rand.NewPCG(2, 2))
		for range 50 {
			if _, err := s.Train(tk.batch(rng, 32)); err != nil {
				t.Fatal(err)
			}
		}
		old := s.net.unpack()
		var dense [][]float64
		for l, ly := range s.net.layers {
			g := make([]float64, ly.in*ly.out)
			s.net.DenseGrad(l, g)
			dense = append(dense, g)
		}
		s.step = 100
		s.dropAndGrow()
		now := s.net.unpack()
		frac := s.DropFractionAt(100)
		for l := range old {
			k := int(math.Round(frac * float64(len(old[l].conns))))
			kept := map[int]float64{}
			for _, c := range old[l].conns {
				kept[int(c.dst)*old[l].in+int(c.src)] = c.w
			}
			// The k smallest magnitudes are gone unless regrown at zero.
			mags := make([]float64, 0, len(old[l].conns))
			for _, c := range old[l].conns {
				mags = append(mags, math.Abs(c.w))
			}
			thr := kth(mags, k)
			grown, survived := 0, 0
			for _, c := range now[l].conns {
				p := int(c.dst)*now[l].in + int(c.src)
				w, was := kept[p]
				if was && c.w == w {
					survived++
					if math.Abs(w) < thr {
						t.Errorf("%s layer %d: weight %v below the drop threshold %v survived", m, l, w, thr)
					}
					continue
				}
				grown++
				if c.w != 0 || c.m != 0 || c.v != 0 {
					t.Errorf("%s layer %d: grown connection %+v not at zero with fresh moments", m, l, c)
				}
			}
			if grown < k-2 || survived > len(old[l].conns)-k+2 {
				t.Errorf("%s layer %d: %d grown, %d survived of %d; the update should replace %d", m, l, grown, survived, len(old[l].conns), k)
			}
			if m == RigL {
				// No free position left ungrown beats a grown one.
				minGrown := math.Inf(1)
				for _, c := range now[l].conns {
					p := int(c.dst)*now[l].in + int(c.src)
					if w, was := kept[p]; !was || c.w != w {
						minGrown = math.Min(minGrown, math.Abs(dense[l][p]))
					}
				}
				for _, p := range free(&now[l]) {
					if _, was := kept[p]; !was && math.Abs(dense[l][p]) > minGrown {
						t.Errorf("RigL layer %d: free position %d has gradient %v above a grown one's %v", l, p, dense[l][p], minGrown)
						break
					}
				}
			}
		}
	}
}

// kth is the k-th smallest value (1-based), or -inf for k = 0.
func kth(x []float64, k int) float64 {
	if k == 0 {
		return math.Inf(-1)
	}
	y := append([]float64(nil), x...)
	for i := range y { // selection is enough at these sizes
		for j := i + 1; j < len(y); j++ {
			if y[j] < y[i] {
				y[i], y[j] = y[j], y[i]
			}
		}
	}
	return y[k-1]
}

// TestGMPFollowsCubicSchedule: the count before pruning is the dense
// network's, each pruning step brings it to the cubic schedule's value (or
// a few below, when a neuron loses its last outgoing connection), and it
// ends at the target.
func TestGMPFollowsCubicSchedule(t *testing.T) {
	tk := tasks()[0]
	s := build(t, GMP, tk, 3, framework.Params{"start_step": int64(10), "end_step": int64(110), "update_every": int64(20), "target_params": int64(300)})
	dense := denseParams([]int{4, 64, 64, 2})
	if got := s.TargetAt(10); got != dense {
		t.Errorf("TargetAt(start) = %d, want the dense %d", got, dense)
	}
	if got, want := s.TargetAt(60), int(math.Round(300+float64(dense-300)*0.125)); got != want {
		t.Errorf("TargetAt(midpoint) = %d, want %d", got, want)
	}
	if got := s.TargetAt(500); got != 300 {
		t.Errorf("TargetAt(after end) = %d, want 300", got)
	}
	rng := rand.New(rand.NewPCG(3, 3))
	for step := 1; step <= 130; step++ {
		if _, err := s.Train(tk.batch(rng, 16)); err != nil {
			t.Fatal(err)
		}
		p := s.Size().Params
		if step < 10 && p != dense {
			t.Fatalf("step %d: %d parameters before pruning starts, want %d", step, p, dense)
		}
		if step >= 10 && (step-10)%20 == 0 && step <= 110 {
			if want := s.TargetAt(step); p > want || p < want-3 {
				t.Errorf("step %d: %d parameters, schedule %d", step, p, want)
			}
		}
	}
	if p := s.Size().Params; p > 300 || p < 297 {
		t.Errorf("%d parameters at the end, target 300", p)
	}
	if s.StructureEvents()[EventPrune] == 0 {
		t.Error("no prune events recorded")
	}
}

// TestNet2NetWidensOnPlateau: a flat loss widens the network at the next
// check, a falling one does not, and growth stops at the cap.
func TestNet2NetWidensOnPlateau(t *testing.T) {
	tk := tasks()[0]
	for _, tc := range []struct {
		name  string
		ratio float64 // each window's loss over the previous one
		grows bool
	}{{"flat", 1, true}, {"falling", 0.9, false}, {"barely falling", 0.99, true}} {
		t.Run(tc.name, func(t *testing.T) {
			s := build(t, Net2Net, tk, 1, framework.Params{"target_params": int64(2000)})
			before := s.Size().Params
			loss := 1.0
			for step := 1; step <= 200; step++ {
				if step%100 == 1 && step > 1 {
					loss *= tc.ratio
				}
				s.step = step
				s.afterStep(loss)
			}
			if grew := s.Size().Params > before; grew != tc.grows {
				t.Errorf("grew %v (%d → %d parameters), want %v", grew, before, s.Size().Params, tc.grows)
			}
		})
	}
	s := build(t, Net2Net, tk, 1, framework.Params{"target_params": int64(120)})
	for step := 1; step <= 2000; step++ {
		s.step = step
		s.afterStep(1)
	}
	if p := s.Size().Params; p > 120 || p < 100 {
		t.Errorf("%d parameters after many plateaus, cap 120", p)
	}
	if w := s.net.Sizes(); w[1] < w[2]-1 || w[2] < w[1]-1 {
		t.Errorf("widths %v: the narrower layer should grow first", w)
	}
}

// TestRunsAreReproducible: the same seed gives the same structure and
// checkpoint bytes after training with structural edits.
func TestRunsAreReproducible(t *testing.T) {
	tk := tasks()[1]
	for _, m := range Methods() {
		var ck [2][]byte
		for i := range ck {
			s := build(t, m, tk, 5, fastParams(m))
			rng := rand.New(rand.NewPCG(4, 4))
			for range 200 {
				if _, err := s.Train(tk.batch(rng, 16)); err != nil {
					t.Fatal(err)
				}
			}
			var buf bytes.Buffer
			if err := s.Save(&buf); err != nil {
				t.Fatal(err)
			}
			ck[i] = buf.Bytes()
		}
		if !bytes.Equal(ck[0], ck[1]) {
			t.Errorf("%s: two runs of one seed saved different checkpoints", m)
		}
	}
}

func TestBadSettings(t *testing.T) {
	tk := tasks()[0]
	for _, tc := range []struct {
		m    Method
		p    framework.Params
		want string
	}{
		{SET, framework.Params{"target_params": int64(5000)}, "outside"},
		{RigL, framework.Params{"drop_fraction": 1.5}, "drop_fraction"},
		{GMP, framework.Params{"start_step": int64(500), "end_step": int64(100)}, "end_step"},
		{Net2Net, framework.Params{"target_params": int64(10)}, "below the starting network"},
		{Net2Net, framework.Params{"drop_fraction": 0.3}, "unknown setting"},
		{SET, framework.Params{"hidden": []any{}}, "at least one hidden layer"},
		{GMP, framework.Params{"activation": "swish"}, "unknown activation"},
	} {
		_, err := New(tc.m, framework.StudentConfig{ObservationSpace: tk.obs, ActionSpace: tk.act, Params: tc.p})
		if err == nil || !bytes.Contains([]byte(err.Error()), []byte(tc.want)) {
			t.Errorf("%s %v: error %v, want it to mention %q", tc.m, tc.p, err, tc.want)
		}
	}
}
