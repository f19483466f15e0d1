package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/smgrnn/arena/framework/match"
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
		s1 + "  -      -         -       -  not created",
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

// A match run whole and the same match run as two shards merged by
// arena report are identical field by field, wall-clock times aside; a
// changed number in one run record is found.
func TestDiffShardsMergedAgainstWhole(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "m.toml")
	os.WriteFile(path, []byte(runTestMatch), 0o644)
	whole := filepath.Join(dir, "whole")
	if code, _, stderr := runArena("run", path, "--out", whole); code != 0 {
		t.Fatalf("run exit %d: %s", code, stderr)
	}
	var shards []string
	for i := range 2 {
		s := filepath.Join(dir, "shard-"+strconv.Itoa(i))
		if code, _, stderr := runArena("run", path, "--shard", strconv.Itoa(i)+"/2", "--out", s); code != 0 {
			t.Fatalf("shard %d exit %d: %s", i, code, stderr)
		}
		shards = append(shards, s)
	}
	merged := filepath.Join(dir, "merged")
	if code, _, stderr := runArena(append(append([]string{"report"}, shards...), "--out", merged)...); code != 0 {
		t.Fatalf("report exit %d: %s", code, stderr)
	}
	code, stdout, stderr := runArena("diff", whole, merged)
	if code != 0 || !strings.HasPrefix(stdout, "identical") {
		t.Fatalf("diff of whole and merged: exit %d\n%s%s", code, stdout, stderr)
	}
	// A report's tables may change between arena versions; --runs
	// compares the records alone.
	res := filepath.Join(merged, "results.json")
	data, err := os.ReadFile(res)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(res, []byte(strings.Replace(string(data), `"leaderboard": [`, `"leaderboard_v0": [`, 1)), 0o644)
	if code, _, _ := runArena("diff", whole, merged); code != 1 {
		t.Errorf("diff found no difference in a renamed table (exit %d)", code)
	}
	if code, stdout, _ := runArena("diff", "--runs", whole, merged); code != 0 || !strings.HasPrefix(stdout, "identical: every run record") {
		t.Errorf("diff --runs: exit %d\n%s", code, stdout)
	}
	// Wall-clock times differ between any two runs.
	if code, _, _ := runArena("diff", "--clocks", whole, merged); code != 1 {
		t.Errorf("diff --clocks found no difference in wall-clock times (exit %d)", code)
	}

	rec := filepath.Join(shards[1], "runs", "CartPole-v1__mlp__s0.json")
	data, err = os.ReadFile(rec)
	if err != nil {
		t.Fatal(err)
	}
	changed := strings.Replace(string(data), `"params": `, `"params": 1`, 1)
	if changed == string(data) {
		t.Fatal("the record has no params field to change")
	}
	os.WriteFile(rec, []byte(changed), 0o644)
	if code, _, stderr := runArena(append(append([]string{"report"}, shards...), "--out", merged)...); code != 0 {
		t.Fatalf("report exit %d: %s", code, stderr)
	}
	code, stdout, _ = runArena("diff", whole, merged)
	if code != 1 || !strings.Contains(stdout, ".params: ") {
		t.Errorf("a changed parameter count: exit %d\n%s", code, stdout)
	}
	if code, _, _ := runArena("diff", whole); code != 2 {
		t.Errorf("diff with one folder: exit %d, want 2", code)
	}
}

// The text status names at most maxListed unstarted runs and says how
// many more there are; --json is where the full list lives.
func TestStatusListsFewUnstartedRuns(t *testing.T) {
	for _, n := range []int{maxListed, maxListed + 3} {
		st := &match.MatchStatus{Match: &match.Match{Name: "m"}, Total: n}
		for i := range n {
			st.NotStarted = append(st.NotStarted, fmt.Sprintf("E__s__s%d", i))
		}
		var b strings.Builder
		printStatus(&b, st)
		out := b.String()
		last := fmt.Sprintf("E__s__s%d", n-1)
		if n <= maxListed {
			if !strings.Contains(out, last) || strings.Contains(out, "more") {
				t.Errorf("%d unstarted: want every name listed:\n%s", n, out)
			}
			continue
		}
		if strings.Contains(out, last) || !strings.Contains(out, fmt.Sprintf("E__s__s%d, … and 3 more", maxListed-1)) {
			t.Errorf("%d unstarted: want %d names and a count of the rest:\n%s", n, maxListed, out)
		}
	}
}
