//go:build box2d && cgo

package box2d

import (
	"slices"
	"testing"

	"github.com/smgrnn/arena/framework"
	"github.com/smgrnn/arena/framework/envcheck"
	"github.com/smgrnn/arena/framework/rollout"
	"github.com/smgrnn/arena/teachers/checkpoints"
	_ "github.com/smgrnn/arena/teachers/ppo"
)

func TestEnvCheck(t *testing.T) {
	for _, id := range IDs() {
		for _, r := range envcheck.Check(func() (framework.Env, error) { return New(id) }) {
			if !r.Passed() {
				t.Errorf("%s: %s", id, r)
			}
		}
	}
}

// episode plays one episode with a fixed action sequence and returns every
// observation and reward, so two runs can be compared to the bit.
func episode(t *testing.T, e *Env, seed uint64, act func(i int, obs []float64) []float64) []float64 {
	t.Helper()
	obs, err := e.Reset(framework.Seed(seed))
	if err != nil {
		t.Fatal(err)
	}
	trace := slices.Clone(obs)
	for i := 0; ; i++ {
		s, err := e.Step(act(i, obs))
		if err != nil {
			t.Fatal(err)
		}
		trace = append(append(trace, s.Obs...), s.Reward)
		obs = s.Obs
		if s.Done() {
			return trace
		}
	}
}

// A seed fixes an episode, whatever ran before it in the same environment
// or in another one alive at the same time.
func TestSeedFixesEpisode(t *testing.T) {
	for _, id := range IDs() {
		a, err := New(id)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := New(id)
		act := func(i int, obs []float64) []float64 {
			dim := a.Spec().ActionSpace.Dim()
			out := make([]float64, dim)
			if _, discrete := a.Spec().ActionSpace.(*framework.Discrete); discrete {
				out[0] = float64(i % 4)
				return out
			}
			for k := range out {
				out[k] = float64((i*7+k*3)%11)/5 - 1
			}
			return out
		}
		first := episode(t, a, 5, act)
		episode(t, b, 9, act) // another world alive meanwhile
		episode(t, a, 6, act) // and another episode before the rerun
		if again := episode(t, a, 5, act); !slices.Equal(first, again) {
			t.Errorf("%s: seed 5 played twice gives different episodes", id)
		}
		a.Close()
		b.Close()
	}
}

// heldOut is the first reset seed of the floors' 100 episodes: arena's
// evaluation seeds, which no training reset reaches.
const heldOut = 1_000_000_000

// floors are the mean returns over 100 held-out episodes each teacher must
// reach: the expert 200 on the landers; the shipped PPO checkpoints 230 on
// the landers and 250 on BipedalWalker.
var floors = map[string]map[string]float64{
	"expert": {"LunarLander-v3": 200, "LunarLanderContinuous-v3": 200},
	"ppo":    {"LunarLander-v3": 230, "LunarLanderContinuous-v3": 230, "BipedalWalker-v3": 250},
}

// meanReturn plays a teacher for 100 held-out episodes on 4 copies.
func meanReturn(t *testing.T, id string, teacher func(framework.EnvSpec) (framework.Policy, error)) float64 {
	t.Helper()
	var envs []framework.Env
	for range 4 {
		e, err := New(id)
		if err != nil {
			t.Fatal(err)
		}
		envs = append(envs, e)
	}
	v, err := framework.NewSyncVectorEnv(envs)
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	p, err := teacher(v.Spec())
	if err != nil {
		t.Fatalf("%s: %v", id, err)
	}
	eps, err := rollout.Evaluate(v, p, 100, heldOut)
	if err != nil {
		t.Fatal(err)
	}
	return rollout.Summarize(eps.Returns).Mean
}

func TestTeachersMeetFloors(t *testing.T) {
	for name, byEnv := range floors {
		for id, floor := range byEnv {
			if name == "ppo" {
				if _, ok := checkpoints.For(id); !ok {
					t.Logf("%s: no shipped PPO checkpoint yet", id)
					continue
				}
			}
			mean := meanReturn(t, id, func(spec framework.EnvSpec) (framework.Policy, error) {
				return framework.MakeTeacher(name, spec)
			})
			if mean < floor {
				t.Errorf("%s on %s: mean return %.1f over 100 held-out episodes, floor %.0f", name, id, mean, floor)
			}
		}
	}
}

// BenchmarkStep measures env steps per second of one environment, with the
// expert's or a fixed action, resetting at each episode's end.
func BenchmarkStep(b *testing.B) {
	for _, id := range IDs() {
		b.Run(id, func(b *testing.B) {
			e, err := New(id)
			if err != nil {
				b.Fatal(err)
			}
			defer e.Close()
			dim := len(e.reg.obsLow)
			obs := make([]float64, dim)
			act := make([]float64, e.Spec().ActionSpace.Dim())
			if id == "BipedalWalker-v3" {
				copy(act, []float64{0.5, -0.2, -0.5, 0.3})
			}
			law := map[string]func([]float64, []float64){
				"LunarLander-v3":           landerDiscreteLaw,
				"LunarLanderContinuous-v3": landerContinuousLaw,
			}[id]
			seed := uint64(0)
			if err := e.ResetInto(framework.Seed(seed), obs); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for range b.N {
				if law != nil {
					law(obs, act)
				}
				_, term, trunc, err := e.StepInto(act, obs)
				if err != nil {
					b.Fatal(err)
				}
				if term || trunc {
					seed++
					e.ResetInto(framework.Seed(seed), obs)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "steps/s")
		})
	}
}
