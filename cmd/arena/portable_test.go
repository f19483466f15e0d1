package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/smgrnn/arena/framework"
	"github.com/smgrnn/arena/framework/checkpoint"
)

var updatePortable = flag.Bool("update-portable", false, "rewrite plugins/python/tests/testdata from freshly trained students")

// portableDir holds saved students, observations and arena's actions on
// them, which plugins/python's tests load into PyTorch and compare.
const portableDir = "../../plugins/python/tests/testdata"

type portableCase struct {
	Name, Env, Kind string
	Params          framework.Params
	Steps           int
}

var portableCases = []portableCase{
	{"mlp-cartpole", "CartPole-v1", "mlp", framework.Params{"hidden": []any{int64(16), int64(16)}}, 200},
	{"mlp-pendulum", "Pendulum-v1", "mlp", framework.Params{"hidden": []any{int64(8)}, "scale_inputs": true, "activation": "relu"}, 200},
	{"smgrnn-cartpole", "CartPole-v1", "smgrnn", framework.Params{"strategy": "paper"}, 1500},
	{"smgrnn-mountaincarcontinuous", "MountainCarContinuous-v0", "smgrnn", framework.Params{"strategy": "paper", "activation": "sigmoid"}, 1500},
}

// portableFixture is one case's observations and the loaded student's
// actions, row-major, as exact decimal strings.
type portableFixture struct {
	N       int      `json:"n"`
	Obs     []string `json:"obs"`
	Actions []string `json:"actions"`
}

func exact(xs []float64) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = fmt.Sprint(x)
	}
	return out
}

// sample draws n observations inside the space's bounds (a normal around 0
// with spread 3 where unbounded).
func sample(rng *rand.Rand, s framework.Space, n int) []float64 {
	box := s.(*framework.Box)
	d := box.Dim()
	out := make([]float64, n*d)
	for i := range out {
		lo, hi := box.Low[i%d], box.High[i%d]
		if math.Abs(lo) < 1e30 && math.Abs(hi) < 1e30 {
			out[i] = lo + rng.Float64()*(hi-lo)
		} else {
			out[i] = rng.NormFloat64() * 3
		}
	}
	return out
}

// TestPortableFixtures keeps the Python loader's fixtures honest: the
// committed student files, loaded by arena, act on the committed
// observations exactly as committed. -update-portable trains and rewrites
// them.
func TestPortableFixtures(t *testing.T) {
	for _, tc := range portableCases {
		t.Run(tc.Name, func(t *testing.T) {
			env, err := framework.MakeEnv(tc.Env)
			if err != nil {
				t.Fatal(err)
			}
			spec := env.Spec()
			studentPath := filepath.Join(portableDir, tc.Name+".json")
			fixturePath := filepath.Join(portableDir, tc.Name+".actions.json")
			const n = 1000
			if *updatePortable {
				cfg := framework.StudentConfig{ObservationSpace: spec.ObservationSpace, ActionSpace: spec.ActionSpace, Seed: 7,
					Adam: framework.DefaultAdam(), Params: tc.Params}
				s, err := framework.MakeStudent(tc.Kind, cfg)
				if err != nil {
					t.Fatal(err)
				}
				rng := rand.New(rand.NewPCG(11, 12))
				teacher := func(obs []float64, b *framework.Batch) {
					// An arbitrary smooth target, so the network has something to fit.
					d := spec.ObservationSpace.Dim()
					for i := range b.N {
						v := math.Sin(3*obs[i*d]) + obs[i*d+1]
						if dsc, ok := spec.ActionSpace.(*framework.Discrete); ok {
							b.Labels.Actions[i] = float64(dsc.Start + int(math.Abs(v*7))%dsc.N)
						} else {
							b.Labels.Actions[i] = math.Tanh(v)
						}
					}
				}
				for range tc.Steps {
					b := framework.Batch{N: 64, Obs: sample(rng, spec.ObservationSpace, 64), Labels: framework.Labels{Actions: make([]float64, 64)}}
					teacher(b.Obs, &b)
					if _, err := s.Train(b); err != nil {
						t.Fatal(err)
					}
				}
				if err := checkpoint.SaveStudent(studentPath, tc.Kind, tc.Env, cfg, s); err != nil {
					t.Fatal(err)
				}
			}
			loaded, _, err := checkpoint.LoadStudent(studentPath, spec, framework.MakeStudent)
			if err != nil {
				t.Fatal(err)
			}
			obs := sample(rand.New(rand.NewPCG(21, 22)), spec.ObservationSpace, n)
			actions := make([]float64, n*spec.ActionSpace.Dim())
			if err := loaded.Act(obs, n, actions); err != nil {
				t.Fatal(err)
			}
			got := portableFixture{N: n, Obs: exact(obs), Actions: exact(actions)}
			if *updatePortable {
				b, _ := json.Marshal(got)
				if err := os.WriteFile(fixturePath, b, 0o644); err != nil {
					t.Fatal(err)
				}
				t.Logf("%s: %+v", tc.Name, loaded.Size())
				return
			}
			b, err := os.ReadFile(fixturePath)
			if err != nil {
				t.Fatal(err)
			}
			var want portableFixture
			if err := json.Unmarshal(b, &want); err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(want) != fmt.Sprint(got) {
				t.Fatalf("%s: the committed actions are not what the committed student does now (rerun with -update-portable if the format changed on purpose)", tc.Name)
			}
		})
	}
}
