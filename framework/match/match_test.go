package match

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/smgrnn/arena/framework"
	"github.com/smgrnn/arena/framework/distill"
)

const tinyMatch = `
name = "tiny"
seeds = 2
baseline = "slow"
parallel = 2

[budget]
env_steps = 400
eval_every = 200
eval_episodes = 3
final_eval_episodes = 5

[distill]
envs = 2
round_steps = 100
updates_per_round = 10
batch_size = 16

[[env]]
id = "Line-v0"
teacher = "expert"

[[student]]
name = "slow"
kind = "logistic"
lr = 0.1

[[student]]
name = "fast"
kind = "logistic"
lr = 1.0
`

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, text, want string
	}{
		{"syntax", "name = \"x\"\nseeds = [1,\n", "m.toml:2:"},
		{"unknown top key", "colour = 1\n" + tinyMatch, `m.toml:1: unknown key "colour"`},
		{"unknown budget key", strings.Replace(tinyMatch, "eval_every = 200", "eval_evry = 200", 1), `m.toml:9: unknown key "budget.eval_evry"`},
		{"unknown env key", strings.Replace(tinyMatch, `teacher = "expert"`, `teacher = "expert"`+"\nseed = 3", 1), `unknown key "env.seed"`},
		{"seeds zero", strings.Replace(tinyMatch, "seeds = 2", "seeds = 0", 1), "m.toml:3: seeds = 0"},
		{"seeds duplicate", strings.Replace(tinyMatch, "seeds = 2", "seeds = [1, 1]", 1), "seeds lists 1 twice"},
		{"seeds string", strings.Replace(tinyMatch, "seeds = 2", `seeds = "two"`, 1), "give a count or a list"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.text, "m.toml")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Parse error = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestCheckErrors(t *testing.T) {
	tests := []struct {
		name, old, new, want string
	}{
		{"zero budget", "env_steps = 400", "env_steps = 0", "m.toml:8: distill setting env_steps must be a positive integer, got 0"},
		{"negative batch", "batch_size = 16", "batch_size = -4", "m.toml:17: distill setting batch_size"},
		{"bad schedule", "envs = 2", "envs = 2\nschedule = \"sometimes\"", "schedule must be one of"},
		{"bad lr", "envs = 2", "envs = 2\nlearning_rate = -1.0", "m.toml:15: distill.learning_rate = -1: it must be a positive number"},
		{"zero epsilon", "envs = 2", "envs = 2\nepsilon = 0.0", "m.toml:15: distill.epsilon = 0: it must be a positive number"},
		{"eval seed among training seeds", "envs = 2", "envs = 2\neval_seed = 7", "m.toml:15: distill setting eval_seed must lie in [1000000000, "},
		{"negative eval seed", "envs = 2", "envs = 2\neval_seed = -7", "m.toml:15:"},
		{"baseline", `baseline = "slow"`, `baseline = "nobody"`, `baseline "nobody" is not one of the students (slow, fast)`},
		{"duplicate student", `name = "fast"`, `name = "slow"`, `two students are named "slow"`},
		{"no kind", `kind = "logistic"` + "\nlr = 1.0", `lr = 1.0`, `student "fast" has no kind`},
		{"per_env unknown env", "lr = 1.0", "lr = 1.0\n[student.per_env.Lime-v0]\nlr = 2.0", `m.toml:28: student "fast": per_env: "Lime-v0" is not an env of the match`},
		{"per_env not a table", "lr = 1.0", "lr = 1.0\nper_env = 3", `student "fast": setting "per_env" must be a table`},
		{"per_env entry not a table", "lr = 1.0", "lr = 1.0\nper_env = { Line-v0 = 3 }", `per_env: setting "Line-v0" must be a table`},
		{"duplicate env", "[[student]]\nname = \"slow\"", "[[env]]\nid = \"Line-v0\"\n\n[[student]]\nname = \"slow\"", "env Line-v0 is listed twice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := strings.Replace(tinyMatch, tt.old, tt.new, 1)
			if text == tinyMatch {
				t.Fatalf("test edit %q did not apply", tt.old)
			}
			m, err := Parse(text, "m.toml")
			if err == nil {
				err = m.Check()
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

// TestEvalSeedSetting: [distill] eval_seed reaches the protocol; without
// it the protocol keeps the default evaluation seeds.
func TestEvalSeedSetting(t *testing.T) {
	m, err := Parse(tinyMatch, "m.toml")
	if err != nil {
		t.Fatal(err)
	}
	if m.Protocol.EvalSeed != 0 || m.Protocol.FirstEvalSeed() != distill.EvalSeedBase {
		t.Errorf("default: eval_seed %d, first %d", m.Protocol.EvalSeed, m.Protocol.FirstEvalSeed())
	}
	m, err = Parse(strings.Replace(tinyMatch, "envs = 2", "envs = 2\neval_seed = 2000000000", 1), "m.toml")
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Check(); err != nil {
		t.Fatal(err)
	}
	if m.Protocol.FirstEvalSeed() != 2_000_000_000 {
		t.Errorf("eval_seed 2000000000: first evaluation seed %d", m.Protocol.FirstEvalSeed())
	}
}

func TestValidateBuildsComponents(t *testing.T) {
	tests := []struct {
		name, old, new, want string
	}{
		{"ok", "", "", ""},
		{"unknown env", `id = "Line-v0"`, `id = "Lime-v0"`, `unknown environment "Lime-v0" (known: Line-v0)`},
		{"unknown teacher", `teacher = "expert"`, `teacher = "oracle"`, `unknown teacher "oracle"`},
		{"unknown kind", `kind = "logistic"`, `kind = "tree"`, `m.toml:23: student "slow" on Line-v0: unknown student kind "tree"`},
		{"unknown setting", "lr = 0.1", "learning_rat = 0.1", `unknown setting "learning_rat"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Parse(strings.Replace(tinyMatch, tt.old, tt.new, 1), "m.toml")
			if err != nil {
				t.Fatal(err)
			}
			err = m.Validate(fakes{})
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Validate error = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestPerEnvSettingsReplaceTheStudents(t *testing.T) {
	text := strings.Replace(tinyMatch, "lr = 1.0", "lr = 1.0\nmomentum = 0.5\n[student.per_env.Line-v0]\nlr = 2.0", 1)
	m, err := Parse(text, "m.toml")
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Check(); err != nil {
		t.Fatal(err)
	}
	fast := m.Students[1]
	for _, tc := range []struct {
		env  string
		want framework.Params
	}{
		{"Line-v0", framework.Params{"lr": 2.0, "momentum": 0.5}},
		{"Other-v0", framework.Params{"lr": 1.0, "momentum": 0.5}},
	} {
		got := m.studentConfig(fast, framework.EnvSpec{ID: tc.env}, 3).Params
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("settings on %s = %v, want %v", tc.env, got, tc.want)
		}
	}
	if _, ok := fast.Params["per_env"]; !ok {
		t.Error("the student's own settings lost their per_env table")
	}
}

func TestSeedsAndDefaults(t *testing.T) {
	m, err := Parse("[[env]]\nid = \"Line-v0\"\n[[student]]\nname = \"a\"\nkind = \"logistic\"\n", "dir/my-match.toml")
	if err != nil {
		t.Fatal(err)
	}
	if m.Name != "my-match" || len(m.Seeds) != DefaultSeeds || m.Baseline != "a" || m.Envs[0].Teacher != "expert" {
		t.Fatalf("defaults not applied: name %q seeds %v baseline %q teacher %q", m.Name, m.Seeds, m.Baseline, m.Envs[0].Teacher)
	}
	m, err = Parse(strings.Replace(tinyMatch, "seeds = 2", "seeds = [7, 3]", 1), "m.toml")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(m.Seeds, []uint64{7, 3}) {
		t.Fatalf("seeds = %v", m.Seeds)
	}
	if m.Protocol.EnvSteps != 400 || m.Protocol.BatchSize != 16 || m.Protocol.Decay != 0.5 {
		t.Fatalf("protocol = %+v", m.Protocol)
	}
}

// stable strips what legitimately differs between two executions of the
// same run: wall-clock times.
func stable(recs []RunRecord) []RunRecord {
	out := append([]RunRecord(nil), recs...)
	for i := range out {
		out[i].WallSeconds = 0
		out[i].Timing = nil
	}
	return out
}

func runTiny(t *testing.T, dir string, opts Options) (Summary, []RunRecord) {
	t.Helper()
	m, err := Parse(tinyMatch, "tiny.toml")
	if err != nil {
		t.Fatal(err)
	}
	opts.OutDir = dir
	opts.Resolver = fakes{}
	sum, err := Run(context.Background(), m, opts)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := ReadRuns(dir)
	if err != nil {
		t.Fatal(err)
	}
	return sum, recs
}

func TestRunResumeAndShards(t *testing.T) {
	dir := t.TempDir()
	sum, recs := runTiny(t, dir, Options{})
	if sum.Total != 4 || sum.Finished != 4 || len(sum.Failed) != 0 || len(recs) != 4 {
		t.Fatalf("summary %+v, %d records", sum, len(recs))
	}
	for _, r := range recs {
		if r.Status != StatusOK || len(r.Curve) == 0 || r.Params != 2 {
			t.Fatalf("record %+v", r)
		}
	}

	// A rerun in the same folder does nothing; after losing one record it
	// reruns that one alone and gets the same numbers.
	sum, _ = runTiny(t, dir, Options{})
	if sum.Skipped != 4 || sum.Finished != 0 {
		t.Fatalf("rerun summary %+v", sum)
	}
	if err := os.Remove(filepath.Join(dir, "runs", recs[1].ID+".json")); err != nil {
		t.Fatal(err)
	}
	sum, again := runTiny(t, dir, Options{})
	if sum.Skipped != 3 || sum.Finished != 1 {
		t.Fatalf("resume summary %+v", sum)
	}
	if !reflect.DeepEqual(stable(again), stable(recs)) {
		t.Fatal("resumed run differs from the original")
	}

	// Two shards hold exactly the runs of the whole match, with the same
	// numbers, whatever the parallelism.
	a, b := t.TempDir(), t.TempDir()
	_, ra := runTiny(t, a, Options{Shard: 0, Shards: 2, Parallel: 1})
	_, rb := runTiny(t, b, Options{Shard: 1, Shards: 2})
	merged := append(ra, rb...)
	if len(ra) != 2 || len(rb) != 2 {
		t.Fatalf("shards hold %d and %d runs", len(ra), len(rb))
	}
	byID := map[string]RunRecord{}
	for _, r := range stable(merged) {
		byID[r.ID] = r
	}
	for _, r := range stable(recs) {
		if !reflect.DeepEqual(byID[r.ID], r) {
			t.Fatalf("shard run %s differs from the unsharded one", r.ID)
		}
	}
}

func TestRunRecordsFailures(t *testing.T) {
	dir := t.TempDir()
	m, err := Parse(strings.Replace(tinyMatch, "kind = \"logistic\"\nlr = 1.0", "kind = \"broken\"", 1), "tiny.toml")
	if err != nil {
		t.Fatal(err)
	}
	sum, err := Run(context.Background(), m, Options{OutDir: dir, Resolver: fakes{failKind: "broken"}})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Finished != 2 || len(sum.Failed) != 2 || !strings.Contains(sum.Failed[0], "plugin crashed") {
		t.Fatalf("summary %+v", sum)
	}
	recs, _ := ReadRuns(dir)
	failed := 0
	for _, r := range recs {
		if r.Status == StatusFailed {
			failed++
		}
	}
	if failed != 2 {
		t.Fatalf("%d failed records, want 2", failed)
	}
}

func TestRunCancelledWritesNothing(t *testing.T) {
	dir := t.TempDir()
	m, err := Parse(tinyMatch, "tiny.toml")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	sum, err := Run(ctx, m, Options{OutDir: dir, Resolver: fakes{}})
	if err == nil || sum.Interrupted != 4 {
		t.Fatalf("Run on a cancelled context: %+v, %v", sum, err)
	}
	recs, _ := ReadRuns(dir)
	if len(recs) != 0 {
		t.Fatalf("%d records written by a cancelled match", len(recs))
	}
}

func TestWriteFileAtomicLeavesNoTemp(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "x.json")
	if err := WriteJSONAtomic(p, map[string]Num{"a": 1, "nan": Num(nanValue())}); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(p)
	if !strings.Contains(string(data), `"nan": null`) {
		t.Fatalf("NaN not written as null: %s", data)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("folder holds %d entries, want only x.json", len(entries))
	}
}

// TestResumeKeepsOriginAndSettings checks that running in or out of
// process is not part of a match's identity, and that the copy of a match
// file in an output folder still knows the original's folder (relative
// plugin paths resolve from there).
func TestResumeKeepsOriginAndSettings(t *testing.T) {
	src := t.TempDir()
	path := filepath.Join(src, "tiny.toml")
	if err := os.WriteFile(path, []byte(tinyMatch), 0o644); err != nil {
		t.Fatal(err)
	}
	m, err := LoadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	inProc := *m
	inProc.InProcess = true
	if inProc.Digest() != m.Digest() {
		t.Fatal("in_process changes the match digest")
	}
	out := t.TempDir()
	m.Protocol.EnvSteps, m.Protocol.EvalEvery = 200, 200
	if _, err := Run(context.Background(), m, Options{OutDir: out, Resolver: fakes{}}); err != nil {
		t.Fatal(err)
	}
	copyOf, err := LoadFile(filepath.Join(out, "match.toml"))
	if err != nil {
		t.Fatal(err)
	}
	if copyOf.Dir != src {
		t.Fatalf("copy's folder is %q, want the original's %q", copyOf.Dir, src)
	}
}
