package match

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// A match spread over three shards, partly done: shard 0 lost one of its
// two runs, shard 1's only run failed, shard 2's job never started.
func TestStatusOfPartlyFinishedShards(t *testing.T) {
	root := t.TempDir()
	dirs := []string{filepath.Join(root, "s0"), filepath.Join(root, "s1"), filepath.Join(root, "s2")}
	_, r0 := runTiny(t, dirs[0], Options{Shard: 0, Shards: 3})
	_, r1 := runTiny(t, dirs[1], Options{Shard: 1, Shards: 3})
	if len(r0) != 2 || len(r1) != 1 {
		t.Fatalf("shards hold %d and %d runs, want 2 and 1", len(r0), len(r1))
	}
	m, err := Parse(tinyMatch, "tiny.toml")
	if err != nil {
		t.Fatal(err)
	}
	all := m.Runs()
	if err := os.Remove(filepath.Join(dirs[0], "runs", all[3].ID+".json")); err != nil {
		t.Fatal(err)
	}
	bad := r1[0]
	bad.Status, bad.Error = StatusFailed, "plugin crashed"
	if err := WriteJSONAtomic(filepath.Join(dirs[1], "runs", bad.ID+".json"), bad); err != nil {
		t.Fatal(err)
	}

	st, err := Status(dirs)
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		exists                       bool
		shard                        ShardInfo
		finished, failed, notStarted int
	}
	want := []row{
		{true, ShardInfo{0, 3}, 1, 0, 1},
		{true, ShardInfo{1, 3}, 0, 1, 0},
		{false, ShardInfo{}, 0, 0, 0},
	}
	for i, f := range st.Folders {
		got := row{f.Exists, f.Shard, f.Finished, len(f.Failed), f.NotStarted}
		if got != want[i] {
			t.Errorf("folder %d: %+v, want %+v", i, got, want[i])
		}
	}
	if st.Total != 4 || st.Finished != 1 || len(st.Failed) != 1 || st.Failed[0].ID != bad.ID {
		t.Errorf("overall: total %d, finished %d, failed %v", st.Total, st.Finished, st.Failed)
	}
	// Not started: shard 0's lost run (index 3) and shard 2's (index 2), in
	// the match's order.
	if wantNS := []string{all[2].ID, all[3].ID}; !reflect.DeepEqual(st.NotStarted, wantNS) {
		t.Errorf("not started %v, want %v", st.NotStarted, wantNS)
	}

	// A run finished in one folder is finished, even if another folder
	// holds a failure of it (a failed task rerun into a new folder).
	_, r1b := runTiny(t, filepath.Join(root, "s1-again"), Options{Shard: 1, Shards: 3})
	st, err = Status(append(dirs, filepath.Join(root, "s1-again")))
	if err != nil || len(r1b) != 1 {
		t.Fatal(err)
	}
	if st.Finished != 2 || len(st.Failed) != 0 {
		t.Errorf("after the rerun: finished %d, failed %d", st.Finished, len(st.Failed))
	}
}

func TestStatusUnknownShardAndBadFolders(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "whole")
	runTiny(t, dir, Options{})
	st, err := Status([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	if f := st.Folders[0]; !f.Known || f.Shard != (ShardInfo{0, 1}) || f.Finished != 4 || f.NotStarted != 0 {
		t.Errorf("whole match folder: %+v", f)
	}
	// A folder written before shards were recorded: its own progress is
	// unknown, the match's is not.
	if err := os.Remove(filepath.Join(dir, shardFile)); err != nil {
		t.Fatal(err)
	}
	st, err = Status([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	if f := st.Folders[0]; f.Known || f.NotStarted != -1 || st.Finished != 4 {
		t.Errorf("folder without a shard record: %+v, finished %d", f, st.Finished)
	}

	other := filepath.Join(root, "other")
	m, err := Parse(strings.Replace(tinyMatch, "seeds = 2", "seeds = 3", 1), "tiny.toml")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Run(t.Context(), m, Options{OutDir: other, Resolver: fakes{}}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		dirs []string
		want string
	}{
		{nil, "no result folders"},
		{[]string{filepath.Join(root, "nope")}, "none of the folders exists"},
		{[]string{dir, other}, "other settings"},
		{[]string{root}, "not a result folder"},
	} {
		if _, err := Status(c.dirs); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Status(%v): %v, want an error containing %q", c.dirs, err, c.want)
		}
	}
}
