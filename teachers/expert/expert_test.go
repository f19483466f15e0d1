package expert_test

import (
	"reflect"
	"strings"
	"testing"

	_ "github.com/smgrnn/arena/envs"
	"github.com/smgrnn/arena/framework"
	"github.com/smgrnn/arena/framework/rollout"
	"github.com/smgrnn/arena/teachers/expert"
)

// bars are the mean returns over 100 episodes every expert must reach.
var bars = map[string]float64{
	"CartPole-v1":              495,
	"Acrobot-v1":               -90,
	"MountainCar-v0":           -115,
	"MountainCarContinuous-v0": 90,
	"Pendulum-v1":              -180,
}

func evaluate(t testing.TB, id string, episodes int, seed uint64) rollout.Episodes {
	t.Helper()
	venv, err := framework.MakeVectorEnv(id, min(episodes, 16))
	if err != nil {
		t.Fatal(err)
	}
	defer venv.Close()
	teacher, err := framework.MakeTeacher("expert", venv.Spec())
	if err != nil {
		t.Fatal(err)
	}
	eps, err := rollout.Evaluate(venv, teacher, episodes, seed)
	if err != nil {
		t.Fatal(err)
	}
	return eps
}

// TestExpertsMeetBars checks every expert against its bar on a few blocks
// of seeded episodes (the full 100-episode measurement is in the README;
// this keeps the test fast).
func TestExpertsMeetBars(t *testing.T) {
	episodes := 20
	if testing.Short() {
		episodes = 8
	}
	for _, id := range expert.EnvIDs() {
		bar, ok := bars[id]
		if !ok {
			t.Fatalf("no bar for %s", id)
		}
		for _, seed := range []uint64{0, 1000, 123456} {
			eps := evaluate(t, id, episodes, seed)
			if m := rollout.Mean(eps.Returns); m < bar {
				t.Errorf("%s from seed %d: mean return %.2f over %d episodes, bar %.0f", id, seed, m, episodes, bar)
			}
		}
	}
}

func TestExpertDeterministicAndHard(t *testing.T) {
	for _, id := range expert.EnvIDs() {
		env, err := framework.MakeEnv(id)
		if err != nil {
			t.Fatal(err)
		}
		spec := env.Spec()
		obs, err := env.Reset(framework.Seed(3))
		if err != nil {
			t.Fatal(err)
		}
		teacher, err := expert.New(spec, "")
		if err != nil {
			t.Fatal(err)
		}
		var a, b framework.Labels
		if err := teacher.Label(obs, 1, &a); err != nil {
			t.Fatal(err)
		}
		if err := teacher.Label(obs, 1, &b); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(a.Actions, b.Actions) {
			t.Errorf("%s: labels differ for the same observation: %v, %v", id, a.Actions, b.Actions)
		}
		if a.Soft() {
			t.Errorf("%s: expert labels carry a distribution", id)
		}
		if !spec.ActionSpace.Contains(a.Actions) {
			t.Errorf("%s: action %v outside %s", id, a.Actions, spec.ActionSpace)
		}
		if o, act := teacher.Spaces(); !framework.SameSpace(o, spec.ObservationSpace) || !framework.SameSpace(act, spec.ActionSpace) {
			t.Errorf("%s: teacher spaces differ from the env's", id)
		}
	}
}

func TestExpertBadInput(t *testing.T) {
	cart, err := framework.MakeEnv("CartPole-v1")
	if err != nil {
		t.Fatal(err)
	}
	unknown := cart.Spec()
	unknown.ID = "Humanoid-v5"
	tests := []struct {
		name string
		spec framework.EnvSpec
		arg  string
		want string
	}{
		{"unknown env", unknown, "", "no expert for Humanoid-v5 (experts exist for Acrobot-v1, CartPole-v1"},
		{"argument", cart.Spec(), "fast", "takes no argument"},
	}
	for _, tt := range tests {
		_, err := expert.New(tt.spec, tt.arg)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want one containing %q", tt.name, err, tt.want)
		}
	}
	teacher, err := expert.New(cart.Spec(), "")
	if err != nil {
		t.Fatal(err)
	}
	if err := teacher.Act(make([]float64, 3), 1, make([]float64, 1)); err == nil {
		t.Error("short observation batch accepted")
	}
	if err := teacher.Act(make([]float64, 8), 2, make([]float64, 1)); err == nil {
		t.Error("short action batch accepted")
	}
}

// BenchmarkExpert measures each controller's cost per labelled observation
// (the planners dominate: Acrobot searches 3^5 torque sequences).
func BenchmarkExpert(b *testing.B) {
	for _, id := range expert.EnvIDs() {
		b.Run(id, func(b *testing.B) {
			env, err := framework.MakeEnv(id)
			if err != nil {
				b.Fatal(err)
			}
			obs, err := env.Reset(framework.Seed(1))
			if err != nil {
				b.Fatal(err)
			}
			teacher, err := expert.New(env.Spec(), "")
			if err != nil {
				b.Fatal(err)
			}
			act := make([]float64, env.Spec().ActionSpace.Dim())
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if err := teacher.Act(obs, 1, act); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
