package mujoco

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/smgrnn/arena/envs/numpyrand"
)

// fakeModel is a model of the sizes of id's MJCF, with the bodies the
// rules look up, and nothing else: enough to exercise the rules on frames
// filled by hand.
func fakeModel(id string) *model {
	sizes := map[string][3]int{ // nq, nv, nbody
		"InvertedPendulum-v5": {2, 2, 3}, "InvertedDoublePendulum-v5": {3, 3, 4},
		"Reacher-v5": {4, 4, 6}, "Swimmer-v5": {5, 5, 4}, "Hopper-v5": {6, 6, 5},
		"HalfCheetah-v5": {9, 9, 8}, "Walker2d-v5": {9, 9, 8}, "Ant-v5": {15, 14, 14},
	}
	s := sizes[id]
	m := &model{nq: s[0], nv: s[1], nbody: s[2], nsite: 1, nu: 1, timestep: 0.01, qpos0: make([]float64, s[0])}
	m.bodies = make([]string, m.nbody)
	m.bodies[0] = "world"
	switch id {
	case "Reacher-v5":
		m.bodies[4], m.bodies[5] = "fingertip", "target"
	case "Ant-v5":
		m.bodies[1] = "torso"
	}
	return m
}

func bind(t *testing.T, id string) (rules, *model, frame, frame) {
	t.Helper()
	m := fakeModel(id)
	r, err := tasks[id].prepare(m)
	if err != nil {
		t.Fatal(err)
	}
	return r, m, newFrame(m, make([]float64, frameSize(m))), newFrame(m, make([]float64, frameSize(m)))
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-12*math.Max(1, math.Abs(b)) }

func TestInvertedPendulumRule(t *testing.T) {
	cases := []struct {
		angle, vel float64
		reward     float64
		terminated bool
	}{
		{0, 0, 1, false}, {0.19, 3, 1, false}, {-0.2, 0, 1, false},
		{0.2001, 0, 0, true}, {-0.25, 0, 0, true}, {0, math.Inf(1), 0, true},
	}
	for _, c := range cases {
		r, _, before, after := bind(t, "InvertedPendulum-v5")
		after.qpos[1], after.qvel[1] = c.angle, c.vel
		terms := make([]float64, 1)
		got, term := r.reward(0.04, &before, &after, []float64{0.5}, terms)
		if got != c.reward || term != c.terminated || terms[0] != c.reward {
			t.Errorf("angle %v vel %v: reward %v terminated %v, want %v %v", c.angle, c.vel, got, term, c.reward, c.terminated)
		}
	}
}

func TestInvertedDoublePendulumRule(t *testing.T) {
	cases := []struct {
		x, y, v1, v2 float64
		terminated   bool
	}{
		{0.3, 1.5, 2, -3, false}, {0, 2, 0, 0, false}, {-1, 1.0001, 1, 1, false},
		{0.3, 1, 2, -3, true}, {0, 0.5, 0, 0, true},
	}
	for _, c := range cases {
		r, _, before, after := bind(t, "InvertedDoublePendulum-v5")
		after.siteXPos[0], after.siteXPos[1], after.siteXPos[2] = c.x, 7, c.y
		after.qvel[0], after.qvel[1], after.qvel[2] = 99, c.v1, c.v2
		terms := make([]float64, 3)
		got, term := r.reward(0.05, &before, &after, []float64{1}, terms)
		alive := 10.0
		if c.terminated {
			alive = 0
		}
		dist := 0.01*c.x*c.x + (c.y-2)*(c.y-2)
		vel := 0.001*c.v1*c.v1 + 0.005*c.v2*c.v2
		if term != c.terminated || !near(got, alive-dist-vel) || terms[0] != alive || !near(terms[1], -dist) || !near(terms[2], -vel) {
			t.Errorf("%+v: reward %v terms %v terminated %v, want %v (%v %v %v) %v", c, got, terms, term, alive-dist-vel, alive, -dist, -vel, c.terminated)
		}
	}
	r, _, _, f := bind(t, "InvertedDoublePendulum-v5")
	copy(f.qpos, []float64{0.4, 0.1, -0.2})
	copy(f.qvel, []float64{12, -3, -11})
	f.qfrcConstraint[0], f.qfrcConstraint[1] = -20, 5
	obs := make([]float64, r.obsDim())
	r.observe(&f, obs)
	want := []float64{0.4, math.Sin(0.1), math.Sin(-0.2), math.Cos(0.1), math.Cos(-0.2), 10, -3, -10, -10}
	for i := range want {
		if obs[i] != want[i] {
			t.Fatalf("observation %v, want %v", obs, want)
		}
	}
}

func TestReacherRule(t *testing.T) {
	r, m, before, after := bind(t, "Reacher-v5")
	tip, _ := m.bodyID("fingertip")
	tgt, _ := m.bodyID("target")
	copy(after.xpos[3*tip:], []float64{0.1, 0.05, 0.01})
	copy(after.xpos[3*tgt:], []float64{0.02, -0.05, 0.03})
	terms := make([]float64, 2)
	got, term := r.reward(0.02, &before, &after, []float64{0.5, -0.2}, terms)
	dist := -math.Sqrt(0.08*0.08 + 0.1*0.1 + 0.02*0.02) // the z gap counts too
	if term || !near(terms[0], dist) || !near(terms[1], -0.29) || !near(got, dist-0.29) {
		t.Errorf("reward %v terms %v terminated %v, want %v (%v, -0.29) false", got, terms, term, dist-0.29, dist)
	}
	copy(after.qpos, []float64{0.3, -1.2, 0.05, -0.1})
	copy(after.qvel, []float64{2, -4, 0, 0})
	obs := make([]float64, r.obsDim())
	r.observe(&after, obs)
	want := []float64{math.Cos(0.3), math.Cos(-1.2), math.Sin(0.3), math.Sin(-1.2), 0.05, -0.1, 2, -4, 0.1 - 0.02, 0.05 - -0.05}
	for i := range want {
		if obs[i] != want[i] {
			t.Fatalf("observation %v, want %v", obs, want)
		}
	}
}

// TestRunnerRules checks the forward-progress tasks: reward terms from the
// root's x before and after, and each health bound on its edge.
func TestRunnerRules(t *testing.T) {
	type state struct{ z, angle, other, vel float64 }
	cases := []struct {
		id         string
		ctrlWeight float64
		s          state
		healthy    bool
		terminates bool // the task has a health rule
	}{
		{"Swimmer-v5", 1e-4, state{0, 5, 0, 50}, true, false},
		{"HalfCheetah-v5", 0.1, state{-3, 9, 0, 500}, true, false},
		{"Hopper-v5", 1e-3, state{1.25, 0, 0, 0}, true, true},
		{"Hopper-v5", 1e-3, state{150, 0.19, 99, -99}, true, true}, // z is not in the ±100 state check
		{"Hopper-v5", 1e-3, state{0.7, 0, 0, 0}, false, true},
		{"Hopper-v5", 1e-3, state{1.2, 0.2, 0, 0}, false, true},
		{"Hopper-v5", 1e-3, state{1.2, -0.2, 0, 0}, false, true},
		{"Hopper-v5", 1e-3, state{1.2, 0, 100, 0}, false, true},
		{"Hopper-v5", 1e-3, state{1.2, 0, 0, -100}, false, true},
		{"Walker2d-v5", 1e-3, state{1.25, 0.99, 500, 500}, true, true},
		{"Walker2d-v5", 1e-3, state{0.8, 0, 0, 0}, false, true},
		{"Walker2d-v5", 1e-3, state{2, 0, 0, 0}, false, true},
		{"Walker2d-v5", 1e-3, state{1.2, -1, 0, 0}, false, true},
	}
	for _, c := range cases {
		r, m, before, after := bind(t, c.id)
		before.qpos[0], after.qpos[0] = 0.5, 0.58
		if c.id != "Swimmer-v5" {
			after.qpos[1], after.qpos[2] = c.s.z, c.s.angle
		}
		after.qpos[m.nq-1] = c.s.other
		after.qvel[m.nv-1] = c.s.vel
		terms := make([]float64, len(tasks[c.id].terms))
		action := []float64{1, -0.5, 0.25}
		dt := 0.008
		got, term := r.reward(dt, &before, &after, action, terms)
		forward := (0.58 - 0.5) / dt
		ctrl := c.ctrlWeight * (1 + 0.25 + 0.0625)
		want := forward - ctrl
		if c.terminates {
			survive := 0.0
			if c.healthy {
				survive = 1
			}
			want = forward + survive - ctrl
			if terms[2] != survive {
				t.Errorf("%s %+v: survive term %v, want %v", c.id, c.s, terms[2], survive)
			}
		}
		if !near(got, want) || !near(terms[0], forward) || !near(terms[1], -ctrl) || term != (c.terminates && !c.healthy) {
			t.Errorf("%s %+v: reward %v terms %v terminated %v, want %v healthy %v", c.id, c.s, got, terms, term, want, c.healthy)
		}
	}
}

func TestRunnerObservations(t *testing.T) {
	for _, c := range []struct {
		id      string
		skip    int
		clipVel bool
	}{{"Swimmer-v5", 2, false}, {"Hopper-v5", 1, true}, {"HalfCheetah-v5", 1, false}, {"Walker2d-v5", 1, true}} {
		r, m, _, f := bind(t, c.id)
		for i := range f.qpos {
			f.qpos[i] = float64(i) + 0.5
		}
		for i := range f.qvel {
			f.qvel[i] = 4 * float64(i) // 0, 4, 8, 12, ...: the last ones beyond 10
		}
		obs := make([]float64, r.obsDim())
		if len(obs) != m.nq-c.skip+m.nv {
			t.Fatalf("%s: %d observations", c.id, len(obs))
		}
		r.observe(&f, obs)
		for i := range m.nq - c.skip {
			if obs[i] != f.qpos[c.skip+i] {
				t.Fatalf("%s: observation %v from qpos %v", c.id, obs, f.qpos)
			}
		}
		for i, v := range f.qvel {
			if c.clipVel {
				v = math.Min(v, 10)
			}
			if obs[m.nq-c.skip+i] != v {
				t.Fatalf("%s: observation %v from qvel %v", c.id, obs, f.qvel)
			}
		}
	}
}

func TestAntRule(t *testing.T) {
	for _, c := range []struct {
		z       float64
		nan     bool
		healthy bool
	}{{0.55, false, true}, {0.2, false, true}, {1.0, false, true}, {0.19, false, false}, {1.01, false, false}, {0.5, true, false}} {
		r, m, before, after := bind(t, "Ant-v5")
		before.xpos[3], after.xpos[3] = 1, 1.3 // the torso, body 1
		before.qpos[0], after.qpos[0] = 5, 9   // qpos x is not what counts
		after.qpos[2] = c.z
		if c.nan {
			after.qvel[4] = math.NaN()
		}
		for i := range after.cfrcExt {
			after.cfrcExt[i] = 0.1 * float64(i%7) // 0 .. 0.6
		}
		after.cfrcExt[0], after.cfrcExt[9] = -3, 2 // clipped to ±1; the world's row counts
		var contact float64
		for _, v := range after.cfrcExt {
			v = math.Max(-1, math.Min(1, v))
			contact += v * v
		}
		contact *= 5e-4
		action := []float64{1, -1, 0.5, 0, 0, 0, 0, 0.2}
		ctrl := 0.5 * (1 + 1 + 0.25 + 0.04)
		terms := make([]float64, 4)
		got, term := r.reward(0.05, &before, &after, action, terms)
		forward := 0.3 / 0.05
		survive := 0.0
		if c.healthy {
			survive = 1
		}
		want := forward + survive - (ctrl + contact)
		if !near(got, want) || !near(terms[0], forward) || !near(terms[1], -ctrl) || !near(terms[2], -contact) || terms[3] != survive || term == c.healthy {
			t.Errorf("z %v nan %v: reward %v terms %v terminated %v, want %v healthy %v", c.z, c.nan, got, terms, term, want, c.healthy)
		}
		obs := make([]float64, r.obsDim())
		if len(obs) != 13+14+13*6 {
			t.Fatalf("Ant observation has %d values", len(obs))
		}
		r.observe(&after, obs)
		if obs[0] != c.z || obs[13+14] != math.Max(-1, math.Min(1, after.cfrcExt[6])) || obs[13+14+3] != 1 {
			t.Errorf("observation %v", obs)
		}
		_ = m
	}
}

// TestResetNoiseMatchesGymnasium replays the reset noise numpy draws for
// Gymnasium's reset_model (testdata/noise.json): the same draws in the
// same order, so the same starting state (to 1e-14 where standard normals
// are drawn, see numpyrand).
func TestResetNoiseMatchesGymnasium(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "noise.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cases []struct {
		Env               string
		Seed              uint64
		QPos0, QPos, QVel []float64
	}
	if err := json.Unmarshal(b, &cases); err != nil {
		t.Fatal(err)
	}
	if len(cases) != 3*len(tasks) {
		t.Fatalf("%d reference resets, want 3 per env", len(cases))
	}
	for _, c := range cases {
		r, m, _, _ := bind(t, c.Env)
		qpos, qvel := append([]float64(nil), c.QPos0...), make([]float64, m.nv)
		r.noise(numpyrand.New(c.Seed), qpos, qvel)
		for i := range qpos {
			if math.Abs(qpos[i]-c.QPos[i]) > 1e-14 {
				t.Fatalf("%s seed %d: qpos %v, Gymnasium %v", c.Env, c.Seed, qpos, c.QPos)
			}
		}
		for i := range qvel {
			if math.Abs(qvel[i]-c.QVel[i]) > 1e-14 {
				t.Fatalf("%s seed %d: qvel %v, Gymnasium %v", c.Env, c.Seed, qvel, c.QVel)
			}
		}
	}
}

func TestTaskSettings(t *testing.T) {
	want := map[string][2]int{ // frame_skip, max_episode_steps
		"InvertedPendulum-v5": {2, 1000}, "InvertedDoublePendulum-v5": {5, 1000}, "Reacher-v5": {2, 50},
		"Swimmer-v5": {4, 1000}, "Hopper-v5": {4, 1000}, "HalfCheetah-v5": {5, 1000},
		"Walker2d-v5": {4, 1000}, "Ant-v5": {5, 1000},
	}
	if len(tasks) != len(want) {
		t.Fatalf("%d tasks, want %d", len(tasks), len(want))
	}
	for id, w := range want {
		tk := tasks[id]
		if tk == nil || tk.frameSkip != w[0] || tk.maxSteps != w[1] || tk.id != id {
			t.Errorf("%s: %+v, want frame_skip %d and %d steps", id, tk, w[0], w[1])
		}
		if _, err := modelXML(tk.file); err != nil {
			t.Error(err)
		}
	}
}
