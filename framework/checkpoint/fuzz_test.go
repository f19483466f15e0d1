package checkpoint

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/smgrnn/arena/framework"
)

// FuzzLoadStudent loads arbitrary student checkpoint files: no panic, and
// a file that loads gives a student that acts.
func FuzzLoadStudent(f *testing.F) {
	env := framework.EnvSpec{ID: "Toy-v0", ObservationSpace: framework.NewBox([]float64{-1}, []float64{1}), ActionSpace: &framework.Discrete{N: 5}}
	cfg := framework.StudentConfig{ObservationSpace: env.ObservationSpace, ActionSpace: env.ActionSpace, Seed: 3, Params: framework.Params{"start": int64(1)}}
	s, _ := makeConstant("constant", cfg)
	path := filepath.Join(f.TempDir(), "s.json")
	if err := SaveStudent(path, "constant", env.ID, cfg, s); err != nil {
		f.Fatal(err)
	}
	good, err := os.ReadFile(path)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add([]byte(`{"format": "arena-student", "version": 1, "kind": "constant", "env": "Toy-v0", "state": "e30="}`))
	f.Add([]byte(`{"version": 99}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(t.TempDir(), "s.json")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		st, _, err := LoadStudent(p, env, makeConstant)
		if err != nil {
			return
		}
		if err := st.Act([]float64{0}, 1, make([]float64, 1)); err != nil {
			t.Fatalf("a loaded student cannot act: %v", err)
		}
	})
}
