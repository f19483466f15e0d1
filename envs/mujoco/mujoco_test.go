//go:build mujoco && cgo

package mujoco

import (
	"bytes"
	"fmt"
	"image/color"
	"slices"
	"testing"
	"time"

	"github.com/smgrnn/arena/envs/internal/cputime"
	"github.com/smgrnn/arena/framework"
	"github.com/smgrnn/arena/framework/envcheck"
	"github.com/smgrnn/arena/framework/rollout"
	"github.com/smgrnn/arena/teachers/checkpoints"
	"github.com/smgrnn/arena/teachers/ppo"
)

func TestEnvCheck(t *testing.T) {
	for _, id := range IDs() {
		results := envcheck.Check(func() (framework.Env, error) { return New(id) })
		for _, r := range results {
			if !r.Passed() {
				t.Errorf("%s: %s", id, r)
			}
		}
	}
}

// TestModelsMatchGymnasium checks the sizes the rules assume against the
// loaded models.
func TestModelsMatchGymnasium(t *testing.T) {
	want := map[string][4]int{ // nq, nv, nu, obs
		"InvertedPendulum-v5": {2, 2, 1, 4}, "InvertedDoublePendulum-v5": {3, 3, 1, 9},
		"Reacher-v5": {4, 4, 2, 10}, "Swimmer-v5": {5, 5, 2, 8}, "Hopper-v5": {6, 6, 3, 11},
		"HalfCheetah-v5": {9, 9, 6, 17}, "Walker2d-v5": {9, 9, 6, 17}, "Ant-v5": {15, 14, 8, 105},
	}
	for id, w := range want {
		e, err := New(id)
		if err != nil {
			t.Fatal(err)
		}
		if got := [4]int{e.m.nq, e.m.nv, e.m.nu, e.dim}; got != w {
			t.Errorf("%s: nq nv nu obs %v, want %v", id, got, w)
		}
		e.Close()
	}
}

// TestVectorMatchesLoneEnvs steps a Vector and a SyncVectorEnv of lone
// environments with the same actions through several autoresets: every
// observation, reward and flag must agree to the bit.
func TestVectorMatchesLoneEnvs(t *testing.T) {
	for _, id := range []string{"Hopper-v5", "Reacher-v5", "Ant-v5"} {
		const n = 3
		v, err := NewVector(id, n)
		if err != nil {
			t.Fatal(err)
		}
		lone := make([]framework.Env, n)
		for i := range lone {
			if lone[i], err = New(id); err != nil {
				t.Fatal(err)
			}
		}
		s, err := framework.NewSyncVectorEnv(lone)
		if err != nil {
			t.Fatal(err)
		}
		a, _ := v.Reset(framework.Seed(11))
		b, _ := s.Reset(framework.Seed(11))
		if !slices.Equal(a, b) {
			t.Fatalf("%s: reset %v vs %v", id, a, b)
		}
		k := v.Spec().ActionSpace.Dim()
		act := make([]float64, n*k)
		ends := 0
		for step := range 300 {
			for i := range act {
				act[i] = float64((step*7+i*3)%11)/5 - 1
			}
			x, err := v.Step(act)
			if err != nil {
				t.Fatal(err)
			}
			y, err := s.Step(act)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(x.Obs, y.Obs) || !slices.Equal(x.Rewards, y.Rewards) ||
				!slices.Equal(x.Terminated, y.Terminated) || !slices.Equal(x.Truncated, y.Truncated) {
				t.Fatalf("%s step %d: vector and lone copies differ", id, step)
			}
			for i := range n {
				if x.Terminated[i] || x.Truncated[i] {
					ends++
					if !slices.Equal(x.FinalObs[i*v.envs[0].dim:(i+1)*v.envs[0].dim], y.FinalObs[i*v.envs[0].dim:(i+1)*v.envs[0].dim]) {
						t.Fatalf("%s step %d: final observations differ", id, step)
					}
				}
			}
		}
		if id != "Ant-v5" && ends == 0 {
			t.Errorf("%s: no episode ended in 300 steps; autoreset untested", id)
		}
		v.Close()
		s.Close()
	}
}

// TestRewardTermsFromSimulation recomputes Hopper's reward from the
// state the simulation reports.
func TestRewardTermsFromSimulation(t *testing.T) {
	e, err := New("Hopper-v5")
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if _, err := e.Reset(framework.Seed(3)); err != nil {
		t.Fatal(err)
	}
	q0, _ := e.State()
	a := []float64{0.3, -0.7, 0.1}
	st, err := e.Step(a)
	if err != nil {
		t.Fatal(err)
	}
	q1, _ := e.State()
	terms := e.RewardTerms()
	dt := 0.002 * 4
	forward := (q1[0] - q0[0]) / dt
	ctrl := 1e-3 * (float64(float32(0.3))*float64(float32(0.3)) + float64(float32(-0.7))*float64(float32(-0.7)) + float64(float32(0.1))*float64(float32(0.1)))
	if !near(terms["reward_forward"], forward) || !near(terms["reward_ctrl"], -ctrl) || terms["reward_survive"] != 1 ||
		!near(st.Reward, forward+1-ctrl) {
		t.Errorf("terms %v reward %v, want forward %v ctrl %v", terms, st.Reward, forward, -ctrl)
	}
}

func TestRenderDrawsBodies(t *testing.T) {
	for _, id := range IDs() {
		e, err := New(id)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.Reset(framework.Seed(0)); err != nil {
			t.Fatal(err)
		}
		img, err := e.Render()
		if err != nil {
			t.Fatal(err)
		}
		colours := map[color.Color]int{}
		b := img.Bounds()
		for y := b.Min.Y; y < b.Max.Y; y += 2 {
			for x := b.Min.X; x < b.Max.X; x += 2 {
				colours[img.At(x, y)]++
			}
		}
		// Background (and ground) plus at least one body's fill and edge.
		if len(colours) < 3 {
			t.Errorf("%s: the frame has %d colours; no body drawn", id, len(colours))
		}
		e.Close()
	}
}

// BenchmarkStep measures env steps per second: one Env; 16 lone Envs in
// a framework.SyncVectorEnv (a cgo call each); a Vector of 16 stepped in
// one cgo call; and plain mj_step for frame_skip steps (the raw rate of
// the physics an env step costs). Each replays the same
// workload: episodes of benchStretch zero-action steps from the seed-0
// reset state, so the rates compare.
func BenchmarkStep(b *testing.B) {
	const benchStretch = 10
	for _, id := range IDs() {
		t := tasks[id]
		b.Run(id+"/raw", func(b *testing.B) {
			e, _ := New(id)
			defer e.Close()
			e.Reset(framework.Seed(0))
			qpos, qvel := slices.Clone(e.qpos), slices.Clone(e.qvel)
			sim := e.sim.(*cSim)
			i := 0
			cpu0 := cputime.Used()
			for b.Loop() {
				if i%benchStretch == 0 {
					sim.reset(qpos, qvel, &e.after)
				}
				sim.raw(t.frameSkip)
				i++
			}
			reportRates(b, b.N, cputime.Used()-cpu0)
		})
		b.Run(id+"/env", func(b *testing.B) {
			e, _ := New(id)
			defer e.Close()
			obs := make([]float64, e.dim)
			act := make([]float64, e.m.nu)
			i, done := 0, false
			cpu0 := cputime.Used()
			for b.Loop() {
				if i%benchStretch == 0 || done {
					e.ResetInto(framework.Seed(0), obs)
				}
				_, term, trunc, err := e.StepInto(act, obs)
				if err != nil {
					b.Fatal(err)
				}
				done = term || trunc
				i++
			}
			reportRates(b, b.N, cputime.Used()-cpu0)
		})
		b.Run(fmt.Sprintf("%s/sync16", id), func(b *testing.B) {
			lone := make([]framework.Env, 16)
			for i := range lone {
				lone[i], _ = New(id)
			}
			v, _ := framework.NewSyncVectorEnv(lone)
			defer v.Close()
			act := make([]float64, 16*lone[0].(*Env).m.nu)
			i := 0
			cpu0 := cputime.Used()
			for b.Loop() {
				if i%benchStretch == 0 {
					v.Reset(framework.Seed(0))
				}
				if _, err := v.Step(act); err != nil {
					b.Fatal(err)
				}
				i++
			}
			reportRates(b, 16*b.N, cputime.Used()-cpu0)
		})
		b.Run(fmt.Sprintf("%s/vector16", id), func(b *testing.B) {
			v, _ := NewVector(id, 16)
			defer v.Close()
			act := make([]float64, 16*v.envs[0].m.nu)
			i := 0
			cpu0 := cputime.Used()
			for b.Loop() {
				if i%benchStretch == 0 {
					v.Reset(framework.Seed(0))
				}
				if _, err := v.Step(act); err != nil {
					b.Fatal(err)
				}
				i++
			}
			reportRates(b, 16*b.N, cputime.Used()-cpu0)
		})
	}
}

// reportRates reports env steps per wall-clock second and per CPU second.
func reportRates(b *testing.B, steps int, cpu time.Duration) {
	b.ReportMetric(float64(steps)/b.Elapsed().Seconds(), "envsteps/s")
	if cpu > 0 {
		b.ReportMetric(float64(steps)/cpu.Seconds(), "envsteps/cpu-s")
	}
}

// floors are the returns the shipped PPO teachers must reach (mean over
// 100 episodes on held-out reset seeds, arena eval's figure).
var floors = map[string]float64{
	"InvertedPendulum-v5": 950, "InvertedDoublePendulum-v5": 9000, "Reacher-v5": -6, "Swimmer-v5": 100,
	"Hopper-v5": 2000, "Walker2d-v5": 2500, "HalfCheetah-v5": 2000, "Ant-v5": 1000,
}

// TestShippedTeachersMeetFloors plays the shipped MuJoCo checkpoint of
// every environment for the 100 episodes arena eval plays by default
// (seeds 0 to 99): each must exist, and its mean must reach the floor.
func TestShippedTeachersMeetFloors(t *testing.T) {
	for _, id := range IDs() {
		data, ok := checkpoints.For(id)
		if !ok {
			t.Errorf("%s: no shipped checkpoint", id)
			continue
		}
		v, err := NewVector(id, 16)
		if err != nil {
			t.Fatal(err)
		}
		m, err := ppo.Load(bytes.NewReader(data), v.Spec())
		if err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		eps, err := rollout.Evaluate(v, m, 100, 0)
		v.Close()
		if err != nil {
			t.Fatal(err)
		}
		if mean := rollout.Summarize(eps.Returns).Mean; mean < floors[id] {
			t.Errorf("%s: shipped teacher's mean return %.1f over 100 episodes, floor %.0f", id, mean, floors[id])
		}
	}
}
