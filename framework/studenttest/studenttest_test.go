package studenttest

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/smgrnn/arena/agents/adam"
	"github.com/smgrnn/arena/agents/head"
	"github.com/smgrnn/arena/framework"
)

// linear is a minimal correct student (a linear map into the shared head)
// used to test the suite itself; mutation breaks it in one way, which the
// suite must catch.
type linear struct {
	obsDim   int
	head     *head.Head
	w        []float64 // outputs×obsDim weights, then outputs biases
	opt      *adam.Adam
	mutation string
}

// drift makes the "nondeterministic" mutant differ between instances.
var drift float64

func newLinear(cfg framework.StudentConfig, mutation string) (framework.Student, error) {
	h, err := head.New(cfg.ActionSpace)
	if err != nil {
		return nil, err
	}
	if err := framework.Validate(cfg.ObservationSpace); err != nil {
		return nil, err
	}
	seed := cfg.Seed
	if mutation == "ignore-seed" {
		seed = 0
	}
	d, k := cfg.ObservationSpace.Dim(), h.Outputs()
	l := &linear{obsDim: d, head: h, w: make([]float64, k*d+k), mutation: mutation}
	rng := rand.New(rand.NewPCG(seed, 1))
	for i := range l.w {
		l.w[i] = 2*rng.Float64() - 1
	}
	if mutation == "nondeterministic" {
		drift += 1e-3
		l.w[0] += drift
	}
	l.opt = adam.New(cfg.Adam, len(l.w))
	return l, nil
}

func (l *linear) forward(obs []float64, n int) []float64 {
	k, d := l.head.Outputs(), l.obsDim
	raw := make([]float64, n*k)
	for s := range n {
		for o := range k {
			v := l.w[k*d+o]
			for i := range d {
				v += l.w[o*d+i] * obs[s*d+i]
			}
			raw[s*k+o] = v
		}
	}
	return raw
}

func (l *linear) Act(obs []float64, n int, actions []float64) error {
	if n < 0 || len(obs) != n*l.obsDim || len(actions) != n*l.head.ActionDim() {
		return errors.New("linear: wrong lengths")
	}
	l.head.Actions(l.forward(obs, n), n, actions)
	if l.mutation == "out-of-space" {
		for i := range actions {
			actions[i] += 100
		}
	}
	return nil
}

func (l *linear) Train(b framework.Batch) (float64, error) {
	if b.N <= 0 || len(b.Obs) != b.N*l.obsDim {
		return 0, errors.New("linear: wrong lengths")
	}
	if err := l.head.CheckLabels(&b.Labels, b.N); err != nil {
		return 0, err
	}
	k, d := l.head.Outputs(), l.obsDim
	raw := l.forward(b.Obs, b.N)
	g := make([]float64, len(raw))
	loss := l.head.Loss(raw, b.N, &b.Labels, g)
	grads := make([]float64, len(l.w))
	for s := range b.N {
		for o := range k {
			grads[k*d+o] += g[s*k+o]
			for i := range d {
				grads[o*d+i] += g[s*k+o] * b.Obs[s*d+i]
			}
		}
	}
	if l.mutation != "frozen" {
		l.opt.Step(l.w, grads)
	}
	return loss, nil
}

func (l *linear) Size() framework.Size {
	return framework.Size{Params: len(l.w), Edges: len(l.w) - l.head.Outputs()}
}

func (l *linear) Save(w io.Writer) error { return json.NewEncoder(w).Encode(l.w) }

func (l *linear) Load(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if l.mutation == "panicky-load" {
		_ = data[len(data)-1] // panics on an empty checkpoint
	}
	var w []float64
	if err := json.Unmarshal(data, &w); err != nil {
		return fmt.Errorf("linear: %w", err)
	}
	if len(w) != len(l.w) {
		return fmt.Errorf("linear: %d weights, want %d", len(w), len(l.w))
	}
	if l.mutation != "forgetful-load" {
		copy(l.w, w)
	}
	return nil
}

// TestReferencePasses checks that a correct student passes every check.
func TestReferencePasses(t *testing.T) {
	Run(t, func(cfg framework.StudentConfig) (framework.Student, error) { return newLinear(cfg, "") })
}

const mutantEnv = "STUDENTTEST_MUTANT"

// TestMutantHost runs the suite on the mutant named in the environment; it
// is run in a child process by TestMutants and skipped otherwise.
func TestMutantHost(t *testing.T) {
	m := os.Getenv(mutantEnv)
	if m == "" {
		t.Skip("only run as a child of TestMutants")
	}
	Run(t, func(cfg framework.StudentConfig) (framework.Student, error) { return newLinear(cfg, m) })
}

// TestMutants checks that each broken student fails the check meant to
// catch it. The suite runs in a child process, since a failing t would fail
// this test too.
func TestMutants(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns child test processes")
	}
	tests := []struct {
		mutation, check string
	}{
		{"ignore-seed", "Discrete/SeedsDiffer"},
		{"nondeterministic", "Box/Deterministic"},
		{"frozen", "Discrete/TrainLowersLoss"},
		{"out-of-space", "Box/ActionsInSpace"},
		{"forgetful-load", "Discrete/SaveLoad"},
		{"panicky-load", "Box/LoadGarbage"},
	}
	for _, tt := range tests {
		t.Run(tt.mutation, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestMutantHost$", "-test.v")
			cmd.Env = append(os.Environ(), mutantEnv+"="+tt.mutation)
			out, err := cmd.CombinedOutput()
			if err == nil {
				t.Fatalf("the suite passed a student with mutation %q", tt.mutation)
			}
			if want := "--- FAIL: TestMutantHost/" + tt.check + " "; !strings.Contains(string(out), want) {
				t.Errorf("mutation %q: want %q in the output:\n%s", tt.mutation, want, out)
			}
		})
	}
}
