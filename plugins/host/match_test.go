package host

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/smgrnn/arena/framework/match"
)

// toyMatch is a small match over the toy components; %s is in_process.
const toyMatch = `
name = "toy"
seeds = 2
baseline = "toy"
parallel = 2
in_process = %s

[budget]
env_steps = 600
eval_every = 300
eval_episodes = 3
final_eval_episodes = 4

[distill]
envs = 4
round_steps = 200
updates_per_round = 10
batch_size = 32
learning_rate = 0.5

[[env]]
id = "Toy-v0"
teacher = "toy"

[[student]]
name = "toy"
kind = "toy"
scale = 0.5
steps = 3
`

// runMatch runs a match file's text in a fresh folder and returns its run
// records.
func runMatch(t *testing.T, h *Host, text string, dir string) []match.RunRecord {
	t.Helper()
	path := filepath.Join(dir, "match.toml")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	m, err := match.LoadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Check(); err != nil {
		t.Fatal(err)
	}
	r, err := h.Resolver(m)
	if err != nil {
		t.Fatal(err)
	}
	sum, err := match.Run(context.Background(), m, match.Options{OutDir: filepath.Join(dir, "out"), Resolver: r})
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.Failed) > 0 || sum.Finished != sum.Total {
		t.Fatalf("runs failed: %+v", sum)
	}
	runs, err := match.ReadRuns(filepath.Join(dir, "out"))
	if err != nil {
		t.Fatal(err)
	}
	return runs
}

// comparable keeps what a run computed, not when or how fast.
func comparable(t *testing.T, runs []match.RunRecord) string {
	t.Helper()
	for i := range runs {
		runs[i].WallSeconds, runs[i].Timing, runs[i].MatchDigest = 0, nil, ""
	}
	b, err := json.Marshal(runs)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestMatchBitIdenticalInAndOutOfProcess(t *testing.T) {
	h := newTestHost(t, Options{BuiltinCommand: []string{testPlugin, "-fault=serve"}})
	in := comparable(t, runMatch(t, h, strings.Replace(toyMatch, "%s", "true", 1), t.TempDir()))
	out := comparable(t, runMatch(t, h, strings.Replace(toyMatch, "%s", "false", 1), t.TempDir()))
	if in != out {
		t.Errorf("in process and out of process differ:\n%s\n%s", in, out)
	}
	if !strings.Contains(in, `"status":"ok"`) {
		t.Errorf("runs did not finish: %s", in)
	}
}

// TestThirdPartyMatch builds the example plugins with plain go build and
// runs a match of the third-party environment, teacher and student.
func TestThirdPartyMatch(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the example plugins")
	}
	dir := t.TempDir()
	for _, name := range []string{"doubleintegrator", "linear"} {
		out, err := exec.Command("go", "build", "-o", filepath.Join(dir, "bin", name),
			"github.com/smgrnn/arena/examples/plugins/"+name).CombinedOutput()
		if err != nil {
			t.Fatalf("build %s: %v\n%s", name, err, out)
		}
	}
	text := `
name = "third-party"
seeds = 1
baseline = "linear"
in_process = true

[budget]
env_steps = 2000
eval_every = 1000
eval_episodes = 3
final_eval_episodes = 5

[distill]
envs = 4
round_steps = 500
updates_per_round = 50
batch_size = 64
learning_rate = 0.05

[[plugin]]
name = "double-integrator"
path = "bin/doubleintegrator"

[[plugin]]
name = "linear"
path = "bin/linear"

[[env]]
id = "DoubleIntegrator-v0"
teacher = "lqr"

[[student]]
name = "linear"
kind = "linear"
`
	h := newTestHost(t, Options{})
	runs := runMatch(t, h, text, dir)
	if len(runs) != 1 || runs[0].Status != match.StatusOK {
		t.Fatalf("runs: %+v", runs)
	}
	r := runs[0]
	// The linear student can represent the LQR gain; after a short
	// distillation it should be far better than random, near the teacher.
	if !(float64(r.FinalReturnMean) > float64(r.RandomReturn)) {
		t.Errorf("linear student returns %v, random %v, teacher %v", r.FinalReturnMean, r.RandomReturn, r.TeacherReturn)
	}
	t.Logf("DoubleIntegrator-v0: linear %.3f, teacher %.3f, random %.3f", float64(r.FinalReturnMean), float64(r.TeacherReturn), float64(r.RandomReturn))
}

// TestResolverPassesPluginArgs checks that a [[plugin]]'s args reach the
// executable: the same test plugin loads without them and fails at start
// with them.
func TestResolverPassesPluginArgs(t *testing.T) {
	for _, tc := range []struct {
		args    string
		wantErr string
	}{
		{args: ``, wantErr: ""},
		{args: `args = ["-fault=exit"]`, wantErr: "cannot open weights.bin"},
	} {
		t.Run(tc.args, func(t *testing.T) {
			h := newTestHost(t, Options{})
			dir := t.TempDir()
			text := strings.Replace(toyMatch, "%s", "false", 1) +
				fmt.Sprintf("\n[[plugin]]\nname = \"toys\"\npath = %q\n%s\n", testPlugin, tc.args)
			path := filepath.Join(dir, "match.toml")
			if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
			m, err := match.LoadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			_, err = h.Resolver(m)
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("Resolver: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("Resolver error %v, want one containing %q", err, tc.wantErr)
			}
		})
	}
}
