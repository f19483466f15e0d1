package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/smgrnn/arena/framework/checkpoint"
	"github.com/smgrnn/arena/framework/match"
)

const runTestMatch = `
name = "t"
seeds = 1
in_process = true
[budget]
env_steps = 600
eval_every = 300
eval_episodes = 2
final_eval_episodes = 3
[distill]
envs = 2
round_steps = 200
updates_per_round = 5
batch_size = 32
[[env]]
id = "CartPole-v1"
teacher = "expert"
[[student]]
name = "smgrnn"
kind = "smgrnn"
strategy = "paper"
[[student]]
name = "mlp"
kind = "mlp"
hidden = [8]
`

// TestRunBadInput checks every kind of bad match input gets one line on
// stderr and exit status 2, before anything runs.
func TestRunBadInput(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	edit := func(old, new string) string {
		if !strings.Contains(runTestMatch, old) {
			t.Fatalf("edit %q does not apply", old)
		}
		return strings.Replace(runTestMatch, old, new, 1)
	}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"missing file", []string{"run", filepath.Join(dir, "nope.toml")}, "does not exist"},
		{"syntax", []string{"run", write("syntax.toml", "name = \n")}, "syntax.toml:1:"},
		{"unknown key", []string{"run", write("key.toml", edit("seeds = 1", "seeds = 1\nsead = 2"))}, `key.toml:4: unknown key "sead"`},
		{"unknown env", []string{"run", write("env.toml", edit(`id = "CartPole-v1"`, `id = "CartPole-v9"`))}, `env.toml:15: unknown component: environment "CartPole-v9" is neither built in nor offered by a declared plugin (known: Acrobot-v1, CartPole-v1`},
		{"unknown teacher", []string{"run", write("teacher.toml", edit(`teacher = "expert"`, `teacher = "oracle"`))}, `teacher "oracle" is neither built in nor offered by a declared plugin (known: expert, ppo`},
		{"unknown kind", []string{"run", write("kind.toml", edit(`kind = "mlp"`, `kind = "tree"`))}, `kind.toml:22: unknown component: student kind "tree" is neither built in nor offered by a declared plugin (known: `},
		{"unknown strategy", []string{"run", write("strategy.toml", edit(`strategy = "paper"`, `strategy = "papr"`))}, `papr`},
		{"unknown student setting", []string{"run", write("setting.toml", edit(`hidden = [8]`, `hiden = [8]`))}, `hiden`},
		{"zero budget", []string{"run", write("budget.toml", edit("env_steps = 600", "env_steps = 0"))}, "env_steps must be a positive integer"},
		{"zero seeds", []string{"run", write("seeds.toml", edit("seeds = 1", "seeds = 0"))}, "seeds = 0"},
		{"negative batch", []string{"run", write("batch.toml", edit("batch_size = 32", "batch_size = -1"))}, "batch_size"},
		{"huge batch", []string{"run", write("hugebatch.toml", edit("batch_size = 32", "batch_size = 4000000000000"))}, "hugebatch.toml:14: distill setting batch_size must be at most 1000000"},
		{"huge eval episodes", []string{"validate", write("hugeeval.toml", edit("eval_episodes = 2", "eval_episodes = 9000000000000000000"))}, "distill setting eval_episodes must be at most"},
		{"huge parallel", []string{"run", write("par.toml", edit("seeds = 1", "seeds = 1\nparallel = 1000000000"))}, "parallel = 1000000000: it must be from 1 to 1024"},
		{"huge buffer", []string{"run", write("buf.toml", edit("envs = 2", "envs = 2\nbuffer_size = 9000000000000000000"))}, "buffer_size must be at most"},
		{"huge budget", []string{"run", write("steps.toml", edit("env_steps = 600", "env_steps = 9223372036854775807"))}, "env_steps must be at most"},
		{"nested tables", []string{"run", write("nested.toml", "x = "+strings.Repeat("{a = ", 5000)+"1"+strings.Repeat("}", 5000)+"\n")}, "nested.toml:1: arrays and tables nest more than 32 deep"},
		{"name escapes results", []string{"run", write("escape.toml", edit(`name = "t"`, `name = "../../tmp/x"`))}, `match name "../../tmp/x"`},
		{"name with NUL", []string{"validate", write("nul.toml", edit(`name = "t"`, `name = "a\u0000b"`))}, `match name "a\x00b" contains a control character`},
		{"seeds as a string", []string{"validate", write("seedstr.toml", edit("seeds = 1", `seeds = "5"`))}, `seeds = "5"`},
		{"bad call timeout", []string{"validate", write("ct.toml", runTestMatch+"[[plugin]]\nname = \"p\"\npath = \"/bin/true\"\ncall_timeout = \"0s\"\n")}, `call_timeout = "0s"`},
		{"bad shard", []string{"run", write("ok.toml", runTestMatch), "--shard", "3/2"}, "--shard"},
		{"bad format", []string{"run", "--format", "html"}, "--format"},
		{"unknown flag", []string{"run", "--colour"}, "unknown flag --colour"},
		{"resume nothing", []string{"run", "--resume", filepath.Join(dir, "nothing")}, "cannot resume"},
		{"validate unknown env", []string{"validate", write("env2.toml", edit(`id = "CartPole-v1"`, `id = "Pong-v5"`))}, "Pong-v5"},
		{"report nothing", []string{"report", filepath.Join(dir, "nothing")}, "does not exist"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runArena(tt.args...)
			if code != 2 {
				t.Fatalf("exit status %d, want 2; stderr %q", code, stderr)
			}
			if strings.Count(strings.TrimSpace(stderr), "\n") != 0 || !strings.Contains(stderr, tt.want) {
				t.Fatalf("stderr %q, want one line containing %q", stderr, tt.want)
			}
		})
	}
}

// TestRunReportAndResume runs a tiny match end to end, then reports it
// again from its folder, and reruns it without running anything.
func TestRunReportAndResume(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "m.toml")
	os.WriteFile(path, []byte(runTestMatch), 0o644)
	out := filepath.Join(dir, "out")
	code, stdout, stderr := runArena("run", path, "--out", out, "--format", "markdown")
	if code != 0 {
		t.Fatalf("run exit %d: %s", code, stderr)
	}
	for _, want := range []string{"### CartPole-v1", "| smgrnn", "| mlp", "Overall"} {
		if !strings.Contains(stdout, want) {
			t.Fatalf("markdown output lacks %q:\n%s", want, stdout)
		}
	}
	for _, f := range []string{"results.json", "runs.csv", "leaderboard.md", "plots/scores.png", "runs/CartPole-v1__smgrnn__s0.json", "students/CartPole-v1__mlp__s0.json", "topologies/CartPole-v1__smgrnn__s0.dot"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("missing %s", f)
		}
	}
	code, again, _ := runArena("report", out, "--format", "markdown")
	if code != 0 || again != stdout {
		t.Fatalf("report of the folder differs from the run's tables (exit %d)", code)
	}
	code, _, stderr = runArena("run", "--resume", out)
	if code != 0 || !strings.Contains(stderr, "2 runs were already finished") {
		t.Fatalf("resume exit %d: %s", code, stderr)
	}
	code, stdout, stderr = runArena("eval", "--env", "CartPole-v1", "--policy", "student:"+filepath.Join(out, "students", "CartPole-v1__mlp__s0.json"), "--episodes", "2", "--json")
	if code != 0 || !strings.Contains(stdout, `"return_mean"`) {
		t.Fatalf("eval of a saved student: exit %d, %s %s", code, stdout, stderr)
	}
}

// TestStudentsLeaveSmall checks that students trained in plugin processes
// are kept in their portable form, small enough to read at a glance.
func TestStudentsLeaveSmall(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "m.toml")
	os.WriteFile(path, []byte(strings.Replace(runTestMatch, "in_process = true", "in_process = false", 1)), 0o644)
	out := filepath.Join(dir, "out")
	// The built binary, which serves the built-ins to itself.
	if b, err := exec.Command(builtArena(t), "run", path, "--out", out).CombinedOutput(); err != nil {
		t.Fatalf("run: %v\n%s", err, b)
	}
	for _, f := range []string{"CartPole-v1__mlp__s0.json", "CartPole-v1__smgrnn__s0.json"} {
		b, err := os.ReadFile(filepath.Join(out, "students", f))
		if err != nil {
			t.Fatal(err)
		}
		var sf checkpoint.StudentFile
		if err := json.Unmarshal(b, &sf); err != nil {
			t.Fatal(err)
		}
		// float64 weights are 11 bytes in base64; the rest is the header.
		if sf.StateFormat != checkpoint.StatePortable || sf.Size == nil || len(b) > 11*sf.Size.Params+4000 {
			t.Errorf("%s: state %q, %d bytes for %+v", f, sf.StateFormat, len(b), sf.Size)
		}
	}
}

// TestRunBadPluginDeclarations checks a match's plugin problems are bad
// input, reported before anything starts.
func TestRunBadPluginDeclarations(t *testing.T) {
	dir := t.TempDir()
	notExec := filepath.Join(dir, "plain")
	os.WriteFile(notExec, []byte("#!/bin/sh\n"), 0o644)
	script := filepath.Join(dir, "script")
	os.WriteFile(script, []byte("#!/bin/sh\nexit 1\n"), 0o755)
	tests := []struct {
		name, plugin, want string
	}{
		{"missing", `path = "` + filepath.Join(dir, "nope") + `"`, "does not exist"},
		{"not executable", `path = "` + notExec + `"`, "not an executable"},
		{"checksum", `path = "` + script + `"` + "\nsha256 = \"" + strings.Repeat("0", 64) + `"`, "sha256"},
		{"no handshake", `path = "` + script + `"`, `plugin "p": start: the plugin did not complete arena's handshake`},
		{"not a plugin at all", `path = "/bin/echo"`, "did not complete arena's handshake"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := runTestMatch + "\n[[plugin]]\nname = \"p\"\n" + tt.plugin + "\n"
			path := filepath.Join(dir, tt.name+".toml")
			os.WriteFile(path, []byte(text), 0o644)
			code, _, stderr := runArena("run", path)
			if code != 2 || strings.Count(strings.TrimSpace(stderr), "\n") != 0 || !strings.Contains(stderr, tt.want) {
				t.Fatalf("exit %d, stderr %q; want 2 and one line with %q", code, stderr, tt.want)
			}
		})
	}
}

// TestInterruptedSummaryCountsEveryRun checks the Ctrl-C summary accounts
// for all runs: it once left failed runs out, so 2 + 0 + 3 made 6.
func TestInterruptedSummaryCountsEveryRun(t *testing.T) {
	got := interruptedSummary(match.Summary{Total: 6, Finished: 2, Failed: []string{"x: boom"}, Interrupted: 3}, "out")
	want := "of 6 runs, 2 finished now, 1 failed, 0 were already done, 3 were interrupted or not started"
	if !strings.Contains(got, want) || !strings.Contains(got, "arena run --resume out") {
		t.Fatalf("summary %q, want it to contain %q and how to resume", got, want)
	}
}

// TestRunIntoLockedFolder checks a second run into an output folder in
// use fails at once with one line and exit status 2.
func TestRunIntoLockedFolder(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "m.toml")
	os.WriteFile(path, []byte(runTestMatch), 0o644)
	out := filepath.Join(dir, "out")
	os.MkdirAll(out, 0o755)
	unlock, err := match.LockDir(out)
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	code, _, stderr := runArena("run", path, "--out", out)
	if code != 2 || strings.Count(strings.TrimSpace(stderr), "\n") != 1 || !strings.Contains(stderr, "another arena run") {
		t.Fatalf("exit %d, stderr %q; want 2 and the header line plus one saying the folder is in use", code, stderr)
	}
}

// TestRunListsFailuresWhenWritesFail checks that write errors (a full
// disk) fail the run they hit, visibly, and that the failed runs are
// listed even when the report's files cannot be written either.
func TestRunListsFailuresWhenWritesFail(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "m.toml")
	os.WriteFile(path, []byte(runTestMatch), 0o644)
	out := filepath.Join(dir, "out")
	// Folders where a record and results.json go make their renames fail.
	for _, p := range []string{"runs/CartPole-v1__mlp__s0.json", "results.json"} {
		if err := os.MkdirAll(filepath.Join(out, p), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	code, stdout, stderr := runArena("run", path, "--out", out)
	if code != 1 {
		t.Fatalf("exit %d, want 1; stderr:\n%s", code, stderr)
	}
	for _, want := range []string{"1 run failed:", "CartPole-v1__mlp__s0: writing its record", "writing results"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	if !strings.Contains(stdout, "smgrnn") {
		t.Errorf("the tables were not printed:\n%s", stdout)
	}
}
