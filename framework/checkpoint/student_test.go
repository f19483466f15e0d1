package checkpoint

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/smgrnn/arena/framework"
)

// constant is a toy student whose action is its one weight.
type constant struct{ W float64 }

func (c *constant) Act(obs []float64, n int, actions []float64) error {
	for i := range n {
		actions[i] = c.W
	}
	return nil
}
func (c *constant) Train(framework.Batch) (float64, error) { c.W++; return 0, nil }
func (c *constant) Size() framework.Size                   { return framework.Size{Params: 1} }
func (c *constant) Save(w io.Writer) error                 { return json.NewEncoder(w).Encode(c) }
func (c *constant) Load(r io.Reader) error                 { return json.NewDecoder(r).Decode(c) }

func makeConstant(kind string, cfg framework.StudentConfig) (framework.Student, error) {
	if kind != "constant" {
		return nil, fmt.Errorf("unknown student kind %q", kind)
	}
	if err := cfg.Params.CheckKnown("start"); err != nil {
		return nil, err
	}
	start, err := cfg.Params.Int("start", 0)
	return &constant{W: float64(start)}, err
}

func TestStudentRoundTripAndErrors(t *testing.T) {
	env := framework.EnvSpec{ID: "Toy-v0", ObservationSpace: framework.NewBox([]float64{-1}, []float64{1}), ActionSpace: &framework.Discrete{N: 5}}
	cfg := framework.StudentConfig{ObservationSpace: env.ObservationSpace, ActionSpace: env.ActionSpace, Seed: 3, Params: framework.Params{"start": int64(1)}}
	s, _ := makeConstant("constant", cfg)
	s.Train(framework.Batch{})
	s.Train(framework.Batch{})
	dir := t.TempDir()
	path := filepath.Join(dir, "s.json")
	if err := SaveStudent(path, "constant", env.ID, cfg, s); err != nil {
		t.Fatal(err)
	}
	loaded, f, err := LoadStudent(path, env, makeConstant)
	if err != nil {
		t.Fatal(err)
	}
	a := make([]float64, 1)
	loaded.Act([]float64{0}, 1, a)
	if a[0] != 3 || f.Kind != "constant" || f.Seed != 3 {
		t.Fatalf("loaded action %v (want 3), file %+v", a[0], f)
	}

	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(text), 0o644)
		return p
	}
	other := env
	other.ID = "Other-v0"
	tests := []struct {
		name, path string
		env        framework.EnvSpec
		want       string
	}{
		{"missing", filepath.Join(dir, "nope.json"), env, "does not exist"},
		{"garbage", write("g.json", "not json"), env, "is not an arena student checkpoint"},
		{"version", write("v.json", `{"format":"arena-student","version":9}`), env, "format version 9"},
		{"other env", path, other, "was trained on Toy-v0, not Other-v0"},
		{"unknown kind", write("k.json", `{"format":"arena-student","version":1,"kind":"tree","env":"Toy-v0"}`), env, `unknown student kind "tree"`},
		{"corrupt state", write("c.json", `{"format":"arena-student","version":1,"kind":"constant","env":"Toy-v0","state":"e30K"}`), env, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := LoadStudent(tt.path, tt.env, makeConstant)
			if tt.want == "" {
				// "{}\n" is a valid empty state for the toy student.
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want %q", err, tt.want)
			}
		})
	}
}
