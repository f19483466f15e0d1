package match

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
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
		{"seeds number in a string", strings.Replace(tinyMatch, "seeds = 2", `seeds = "5"`, 1), `m.toml:3: seeds = "5": give a count or a list of seeds, not a string`},
		{"too many seeds listed", strings.Replace(tinyMatch, "seeds = 2", "seeds = ["+strings.Repeat("1, ", 10001)+"1]", 1), "at most 10000"},
		{"nested inline tables", "x = " + strings.Repeat("{a = ", 40) + "1" + strings.Repeat("}", 40) + "\n", "m.toml:1: arrays and tables nest more than 32 deep"},
		{"nested arrays", "name = \"x\"\nx = " + strings.Repeat("[", 33) + strings.Repeat("]", 33) + "\n", "m.toml:2: arrays and tables nest more than 32 deep"},
		{"too big", tinyMatch + "#" + strings.Repeat("x", 1<<20) + "\n", "at most 1048576 are accepted"},
		{"key after a long line", "#" + strings.Repeat("x", 70000) + "\nsead = 1\n" + tinyMatch, "m.toml:2: unknown key \"sead\""},
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
		{"huge batch", "batch_size = 16", "batch_size = 4000000000000", "m.toml:17: distill setting batch_size must be at most"},
		{"huge eval episodes", "eval_episodes = 3", "eval_episodes = 9000000000000000000", "m.toml:10: distill setting eval_episodes must be at most"},
		{"huge parallel", "parallel = 2", "parallel = 1000000000", "m.toml:5: parallel = 1000000000: it must be from 1 to 1024"},
		{"name escapes", `name = "tiny"`, `name = "../../etc/x"`, `m.toml:2: match name "../../etc/x" may not contain ".."`},
		{"name with a slash", `name = "tiny"`, `name = "a/b"`, `match name "a/b" may not contain slashes`},
		{"name with newline", `name = "tiny"`, `name = "a\nb"`, `match name "a\nb" contains a control character`},
		{"student with NUL", `name = "fast"`, `name = "fa\u0000st"`, `student name "fa\x00st" contains a control character`},
		{"env with newline", `id = "Line-v0"`, `id = "Line\n-v0"`, `m.toml:19: env id "Line\n-v0" contains a control character`},
		{"plugin with newline", `lr = 1.0`, "lr = 1.0\n[[plugin]]\nname = \"p\\nq\"\npath = \"/bin/true\"", `plugin name "p\nq" contains a control character`},
		{"bad call timeout", `lr = 1.0`, "lr = 1.0\n[[plugin]]\nname = \"p\"\npath = \"/bin/true\"\ncall_timeout = \"soon\"", `plugin "p": call_timeout = "soon": give a duration`},
		{"negative call timeout", `lr = 1.0`, "lr = 1.0\n[[plugin]]\nname = \"p\"\npath = \"/bin/true\"\ncall_timeout = \"-1s\"", `call_timeout = "-1s"`},
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

// TestRunRecoversFromPanic checks that a run whose code panics fails alone,
// with the panic and its place in the record, and the match goes on.
func TestRunRecoversFromPanic(t *testing.T) {
	dir := t.TempDir()
	m, err := Parse(strings.Replace(tinyMatch, "kind = \"logistic\"\nlr = 1.0", "kind = \"buggy\"", 1), "tiny.toml")
	if err != nil {
		t.Fatal(err)
	}
	sum, err := Run(context.Background(), m, Options{OutDir: dir, Resolver: fakes{panicKind: "buggy"}})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Finished != 2 || len(sum.Failed) != 2 {
		t.Fatalf("summary %+v, want 2 finished and 2 failed", sum)
	}
	for _, f := range sum.Failed {
		if !strings.Contains(f, "panic: runtime error: index out of range") || !strings.Contains(f, "panicking).Train") {
			t.Fatalf("failure %q does not name the panic and where it was", f)
		}
	}
}

// TestRunRecordWriteFailure checks that a run whose record cannot be
// written (a full disk) is a failed run, shown as one, and not finished.
func TestRunRecordWriteFailure(t *testing.T) {
	dir := t.TempDir()
	m, err := Parse(tinyMatch, "tiny.toml")
	if err != nil {
		t.Fatal(err)
	}
	// A folder where the record goes makes its rename fail.
	blocked := RunID("Line-v0", "fast", 1)
	if err := os.MkdirAll(filepath.Join(dir, "runs", blocked+".json"), 0o755); err != nil {
		t.Fatal(err)
	}
	ev := &recordingEvents{}
	sum, err := Run(context.Background(), m, Options{OutDir: dir, Resolver: fakes{}, Events: ev, Parallel: 1})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Finished != 3 || len(sum.Failed) != 1 || !strings.Contains(sum.Failed[0], blocked+": writing its record") {
		t.Fatalf("summary %+v, want 3 finished and %s failed", sum, blocked)
	}
	if got := ev.status[blocked]; got != StatusFailed {
		t.Fatalf("the display was told %s ended with status %q, want %q", blocked, got, StatusFailed)
	}
}

type recordingEvents struct {
	mu     sync.Mutex
	status map[string]string
}

func (e *recordingEvents) Started(RunSpec)            {}
func (e *recordingEvents) Progress(RunSpec, Progress) {}
func (e *recordingEvents) Finished(s RunSpec, r *RunRecord) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.status == nil {
		e.status = map[string]string{}
	}
	e.status[s.ID] = r.Status
}

// TestLockDir checks that a folder being written by one run cannot be
// taken by another, and is free again once the first is done.
func TestLockDir(t *testing.T) {
	dir := t.TempDir()
	unlock, err := LockDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	m, err := Parse(tinyMatch, "tiny.toml")
	if err != nil {
		t.Fatal(err)
	}
	_, err = Run(context.Background(), m, Options{OutDir: dir, Resolver: fakes{}})
	if !errors.Is(err, ErrLocked) || !strings.Contains(err.Error(), fmt.Sprintf("(process %d)", os.Getpid())) {
		t.Fatalf("Run into a locked folder: %v, want ErrLocked naming the holder", err)
	}
	if recs, _ := ReadRuns(dir); len(recs) != 0 {
		t.Fatalf("a run into a locked folder wrote %d records", len(recs))
	}
	unlock()
	if _, err := Run(context.Background(), m, Options{OutDir: dir, Resolver: fakes{}}); err != nil {
		t.Fatalf("Run after unlock: %v", err)
	}
}

// TestReadRunsRefusesForeignIDs checks a record whose id is not its file
// name (and so could name a path elsewhere) is refused.
func TestReadRunsRefusesForeignIDs(t *testing.T) {
	tests := []struct{ file, id, status, want string }{
		{"a.json", "a", StatusOK, ""},
		{"a.json", "../../escape", StatusOK, `names run "../../escape", not "a"`},
		{"c d.json", "c d", StatusOK, `run id "c d" is not a safe file name`},
		{"b.json", "b", "done", `status "done"`},
	}
	for _, tt := range tests {
		dir := t.TempDir()
		os.MkdirAll(filepath.Join(dir, "runs"), 0o755)
		data := fmt.Sprintf(`{"id": %q, "status": %q}`, tt.id, tt.status)
		os.WriteFile(filepath.Join(dir, "runs", tt.file), []byte(data), 0o644)
		_, err := ReadRuns(dir)
		if (tt.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tt.want)) {
			t.Errorf("%s with id %q: %v, want %q", tt.file, tt.id, err, tt.want)
		}
	}
}

func TestPathIn(t *testing.T) {
	for _, tt := range []struct {
		name string
		ok   bool
	}{
		{"a.json", true}, {"CartPole-v1__mlp__s0.dot", true}, {"..", false}, {".", false}, {"", false},
		{"../x", false}, {"a/b", false}, {"/etc/passwd", false}, {"a\\b", false}, {"a\x00b", false}, {"a\nb", false},
	} {
		p, err := PathIn("out", tt.name)
		if (err == nil) != tt.ok {
			t.Errorf("PathIn(out, %q) = %q, %v; want ok=%v", tt.name, p, err, tt.ok)
		}
	}
}
