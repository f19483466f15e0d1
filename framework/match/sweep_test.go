package match

import (
	"reflect"
	"strings"
	"testing"

	"github.com/smgrnn/arena/examples"
	"github.com/smgrnn/arena/framework"
)

const sweepMatch = `
name = "sweep"
[[env]]
id = "Line-v0"
[[student]]
name = "mlp"
kind = "mlp"
activation = "relu"
[student.sweep]
learning_rate = [1e-3, 3e-3]
hidden = [[16, 16], [64, 64]]
[[student]]
name = "other"
kind = "logistic"
`

func TestSweepExpands(t *testing.T) {
	m, err := Parse(sweepMatch, "sweep.toml")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range m.Students {
		names = append(names, s.Name)
	}
	want := []string{
		"mlp.hidden-16x16.learning_rate-0.001", "mlp.hidden-16x16.learning_rate-0.003",
		"mlp.hidden-64x64.learning_rate-0.001", "mlp.hidden-64x64.learning_rate-0.003", "other",
	}
	if !reflect.DeepEqual(names, want) {
		t.Fatalf("students %q, want %q", names, want)
	}
	if err := m.Check(); err != nil {
		t.Fatal(err)
	}
	s := m.Students[2]
	if !reflect.DeepEqual(s.Params["hidden"], []any{int64(64), int64(64)}) || s.Params["activation"] != "relu" {
		t.Errorf("student %s params %v", s.Name, s.Params)
	}
	if _, ok := s.Params["learning_rate"]; ok {
		t.Error("learning_rate stays among the kind's settings")
	}
	cfg := m.studentConfig(s, framework.EnvSpec{}, 0)
	if cfg.Adam.LearningRate != 1e-3 || m.studentConfig(m.Students[4], framework.EnvSpec{}, 0).Adam.LearningRate != m.Adam.LearningRate {
		t.Errorf("learning rates %v and %v", cfg.Adam.LearningRate, m.Adam.LearningRate)
	}
	if !reflect.DeepEqual(s.Sweep, []string{"hidden", "learning_rate"}) || m.Students[4].Sweep != nil {
		t.Errorf("swept keys %v, %v", s.Sweep, m.Students[4].Sweep)
	}
	if len(m.Runs()) != 5*len(m.Seeds) {
		t.Errorf("%d runs", len(m.Runs()))
	}
}

func TestSweepErrors(t *testing.T) {
	for _, tt := range []struct{ sweep, want string }{
		{`sweep = 3`, `"sweep" must be a table of lists`},
		{"[student.sweep]\nhidden = 3", "sweep.hidden must be a non-empty list"},
		{"[student.sweep]\nhidden = []", "sweep.hidden must be a non-empty list"},
		{"[student.sweep]\nname = [\"a\"]", `"name" cannot be swept`},
		{"[student.sweep]\nactivation = [\"tanh\"]", `"activation" is set both`},
		{"[student.sweep]\nlearning_rate = [0.1, -1]", "learning_rate = -1: it must be a positive number"},
		{"[student.sweep]\na = [1,2,3,4,5,6,7,8,9,10]\nb = [1,2,3,4,5,6,7,8,9,10]\nc = [1,2,3,4,5,6,7,8,9,10,11]", "more than 1000 students"},
	} {
		text := "name = \"s\"\n[[env]]\nid = \"Line-v0\"\n[[student]]\nname = \"mlp\"\nkind = \"mlp\"\nactivation = \"relu\"\n" + tt.sweep + "\n"
		_, err := Parse(text, "s.toml")
		if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "s.toml:4:") {
			t.Errorf("%q: error %v, want s.toml:4: … %s", tt.sweep, err, tt.want)
		}
	}
	// Two sweeps that make the same name are caught like any duplicate.
	dup := sweepMatch + "[[student]]\nname = \"mlp\"\nkind = \"mlp\"\n[student.sweep]\nhidden = [[16, 16]]\nlearning_rate = [1e-3]\n"
	m, err := Parse(dup, "d.toml")
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Check(); err == nil || !strings.Contains(err.Error(), "two students are named") {
		t.Errorf("duplicate sweep names: %v", err)
	}
}

// TestDefaultDigestStable pins the default match's digest: every run
// record of it carries the digest, and a resume refuses records of another.
func TestDefaultDigestStable(t *testing.T) {
	m, err := Parse(examples.ClassicControl, "classic-control.toml (embedded)")
	if err != nil {
		t.Fatal(err)
	}
	if d := m.Digest(); d != "df1abfefa32e8c63" {
		t.Errorf("default match digest %s: the settings' JSON changed, and old result folders no longer resume", d)
	}
}
