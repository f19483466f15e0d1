package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/smgrnn/arena/framework/match"
)

func TestPrintTiming(t *testing.T) {
	runs := []match.RunRecord{
		{Env: "B-v0", Timing: map[string]float64{"teacher": 6, "student_act": 1, "student_train": 2, "env": 0.5, "eval": 0.25, "baselines": 0.25, "total": 12}},
		{Env: "A-v0", Timing: map[string]float64{"teacher": 1, "student_act": 0, "student_train": 2, "env": 0, "eval": 1, "baselines": 0, "total": 4}},
		{Env: "A-v0"}, // a failed run has no timing
	}
	var buf bytes.Buffer
	printTiming(&buf, runs)
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	want := map[string][]string{
		"where the time went": {"A-v0", "B-v0", "all runs"},
		"teacher labels":      {"1.0 s  25%", "6.0 s  50%", "7.0 s  44%"},
		"training":            {"2.0 s  50%", "2.0 s  17%", "4.0 s  25%"},
		"other":               {"0.0 s   0%", "2.0 s  17%", "2.0 s  13%"},
		"run time (sum)":      {"4.0 s", "12.0 s", "16.0 s"},
	}
	for _, l := range lines {
		for name, cells := range want {
			if !strings.HasPrefix(l, name) {
				continue
			}
			rest := l
			for _, c := range cells {
				i := strings.Index(rest, c)
				if i < 0 {
					t.Errorf("row %q lacks %q (in order): %q", name, c, l)
					break
				}
				rest = rest[i+len(c):]
			}
			delete(want, name)
		}
	}
	for name := range want {
		t.Errorf("no row %q in:\n%s", name, buf.String())
	}
	buf.Reset()
	printTiming(&buf, []match.RunRecord{{Env: "A-v0"}})
	if buf.Len() != 0 {
		t.Errorf("runs without timing printed %q", buf.String())
	}
}

// TestRunProfiles runs a tiny match with both profiles and checks they are
// written as pprof files (gzip-compressed protocol buffers) and that the
// time summary ends the run; a profile in a missing folder is bad input.
func TestRunProfiles(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "m.toml")
	os.WriteFile(path, []byte(runTestMatch), 0o644)
	cpu, mem := filepath.Join(dir, "cpu.pprof"), filepath.Join(dir, "mem.pprof")
	code, _, stderr := runArena("run", path, "--out", filepath.Join(dir, "out"), "--cpuprofile", cpu, "--memprofile", mem)
	if code != 0 {
		t.Fatalf("run exit %d: %s", code, stderr)
	}
	for _, f := range []string{cpu, mem} {
		data, err := os.ReadFile(f)
		if err != nil || len(data) < 2 || data[0] != 0x1f || data[1] != 0x8b {
			t.Errorf("%s is not a pprof file (%d bytes, %v)", f, len(data), err)
		}
	}
	for _, want := range []string{"where the time went", "teacher labels", "CartPole-v1", "run time (sum)"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	for _, flag := range []string{"--cpuprofile", "--memprofile"} {
		code, _, stderr = runArena("run", path, "--out", filepath.Join(dir, "out2"), flag, filepath.Join(dir, "no", "p.pprof"))
		if code != 2 || !strings.Contains(stderr, flag) || strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
			t.Errorf("%s in a missing folder: exit %d, stderr %q", flag, code, stderr)
		}
	}
}
