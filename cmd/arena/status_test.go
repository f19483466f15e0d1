package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A two-shard match with one shard run: status tells the finished shard,
// the folder not created yet and what is missing overall; report merges
// what exists into a folder it creates.
func TestStatusAndReportOfPartShards(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "m.toml")
	os.WriteFile(path, []byte(runTestMatch), 0o644)
	s0, s1 := filepath.Join(dir, "shard-0"), filepath.Join(dir, "shard-1")
	if code, _, stderr := runArena("run", path, "--shard", "0/2", "--out", s0); code != 0 {
		t.Fatalf("run exit %d: %s", code, stderr)
	}
	code, stdout, stderr := runArena("status", s0, s1)
	if code != 0 {
		t.Fatalf("status exit %d: %s", code, stderr)
	}
	for _, want := range []string{
		`match "t": 2 run(s)`,
		s0 + "  0/2    1         0       0",
		s1 + "  -      -         -       -            not created",
		"overall: 1 of 2 finished, 0 failed, 1 not started",
		"not started: CartPole-v1__mlp__s0",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("status output lacks %q:\n%s", want, stdout)
		}
	}
	merged := filepath.Join(dir, "new", "merged")
	if code, _, stderr := runArena("report", s0, "--out", merged); code != 0 {
		t.Fatalf("report into a new folder: exit %d: %s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(merged, "leaderboard.md")); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"status"}, {"status", filepath.Join(dir, "nope")}, {"status", dir}} {
		code, _, stderr := runArena(args...)
		if code != 2 || strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
			t.Errorf("arena %v: exit %d, stderr %q; want exit 2 and one line", args, code, stderr)
		}
	}
}
