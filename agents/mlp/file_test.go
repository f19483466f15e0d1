package mlp_test

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/smgrnn/arena/agents/mlp"
	"github.com/smgrnn/arena/framework"
	"github.com/smgrnn/arena/framework/checkpoint"
)

// TestStudentFile checks the file a match keeps for a trained MLP: small,
// byte-stable, acting like the student, and refused when damaged or when
// its settings declare a network its data cannot hold.
func TestStudentFile(t *testing.T) {
	env := framework.EnvSpec{ID: "Toy-v0",
		ObservationSpace: framework.NewBox([]float64{-1, -2, -3, -4}, []float64{1, 2, 3, 4}),
		ActionSpace:      &framework.Discrete{N: 2}}
	cfg := framework.StudentConfig{ObservationSpace: env.ObservationSpace, ActionSpace: env.ActionSpace, Seed: 5,
		Adam: framework.DefaultAdam(), Params: framework.Params{"hidden": []any{int64(16), int64(18)}}}
	train := func() framework.Student {
		s, err := mlp.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		rng := rand.New(rand.NewPCG(1, 2))
		for range 20 {
			b := framework.Batch{N: 32, Obs: make([]float64, 32*4), Labels: framework.Labels{Actions: make([]float64, 32)}}
			for i := range b.Obs {
				b.Obs[i] = rng.Float64()*2 - 1
			}
			for i := range b.Labels.Actions {
				b.Labels.Actions[i] = float64(rng.IntN(2))
			}
			if _, err := s.Train(b); err != nil {
				t.Fatal(err)
			}
		}
		return s
	}
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.json"), filepath.Join(dir, "b.json")
	s := train()
	if err := checkpoint.SaveStudent(a, mlp.Kind, env.ID, cfg, s); err != nil {
		t.Fatal(err)
	}
	if err := checkpoint.SaveStudent(b, mlp.Kind, env.ID, cfg, train()); err != nil {
		t.Fatal(err)
	}
	da, _ := os.ReadFile(a)
	db, _ := os.ReadFile(b)
	if !bytes.Equal(da, db) {
		t.Error("two students trained alike give different files")
	}
	params := s.Size().Params
	if params != 4*16+16+16*18+18+18*2+2 {
		t.Fatalf("%d parameters", params)
	}
	// float64 weights take 8 bytes, 11 in base64; the rest is the header.
	if len(da) > 11*params+3000 {
		t.Errorf("a %d-parameter student takes %d bytes", params, len(da))
	}
	loaded, _, err := checkpoint.LoadStudent(a, env, framework.MakeStudent)
	if err != nil {
		t.Fatal(err)
	}
	obs := make([]float64, 500*4)
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range obs {
		obs[i] = rng.NormFloat64() * 3
	}
	want, got := make([]float64, 500), make([]float64, 500)
	s.Act(obs, 500, want)
	loaded.Act(obs, 500, got)
	for i := range want {
		if want[i] != got[i] {
			t.Fatalf("action %d: %v after loading, %v before", i, got[i], want[i])
		}
	}

	edit := func(name string, f func(m map[string]any)) string {
		var m map[string]any
		if err := json.Unmarshal(da, &m); err != nil {
			t.Fatal(err)
		}
		f(m)
		out, _ := json.Marshal(m)
		p := filepath.Join(dir, name)
		os.WriteFile(p, out, 0o644)
		return p
	}
	for _, tc := range []struct {
		name, path, want string
	}{
		{"huge declared network", edit("huge.json", func(m map[string]any) {
			m["params"] = map[string]any{"hidden": []any{10000, 10000}}
		}), "declare a network of up to 100"},
		{"damaged state", edit("damaged.json", func(m map[string]any) {
			st := []byte(m["state"].(string))
			st[len(st)/2] ^= 1
			m["state"] = string(st)
		}), "damaged"},
		{"other layer sizes", edit("sizes.json", func(m map[string]any) {
			m["params"] = map[string]any{"hidden": []any{16, 17}}
		}), "network [4 16 18 2]"},
	} {
		_, _, err := checkpoint.LoadStudent(tc.path, env, framework.MakeStudent)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one containing %q", tc.name, err, tc.want)
		}
	}
}
