package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestEnvCheckReference(t *testing.T) {
	good := filepath.Join("..", "..", "envs", "testdata", "gymnasium")
	// A copy whose first CartPole reset observation is off.
	bad := t.TempDir()
	for _, name := range []string{"pcg64.jsonl", "resets.jsonl", "trajectories.jsonl"} {
		data, err := os.ReadFile(filepath.Join(good, name))
		if err != nil {
			t.Fatal(err)
		}
		if name == "resets.jsonl" {
			data = bytes.Replace(data, []byte("0.013696168549358845"), []byte("0.5"), 1)
		}
		if err := os.WriteFile(filepath.Join(bad, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	corrupt := t.TempDir()
	if err := os.WriteFile(filepath.Join(corrupt, "pcg64.jsonl"), []byte("{not json\n"), 0o644); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name      string
		args      []string
		code      int
		stdout    string // exact, when not empty
		stdoutHas string
		stderrHas string
	}{
		{"recorded data", []string{"env", "check-reference", good}, 0, "197 passed, 0 failed\n", "", ""},
		{"bit for bit", []string{"env", "check-reference", good, "--exact"}, 0, "197 passed, 0 failed\n", "", ""},
		{"bad flag", []string{"env", "check-reference", good, "--exakt"}, 2, "", "", "exakt"},
		{"a failing record", []string{"env", "check-reference", bad}, 1, "",
			"CartPole-v1 seed 0 reset (resets.jsonl:1): step 0: obs[0]: got 0.013696168549358845 want 0.5\n196 passed, 1 failed\n", ""},
		{"missing directory", []string{"env", "check-reference", filepath.Join(bad, "nope")}, 2, "", "", "pcg64.jsonl"},
		{"corrupt file", []string{"env", "check-reference", corrupt}, 2, "", "", "pcg64.jsonl line 1"},
		// Without a folder it reads the repository's, found from its root only.
		{"no directory outside the repository's root", []string{"env", "check-reference"}, 2, "", "", "run from the repository's root"},
		{"two directories", []string{"env", "check-reference", good, bad}, 2, "", "", "one directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := run(tt.args, &out, &errb)
			if code != tt.code {
				t.Errorf("exit status %d, want %d (stderr %q)", code, tt.code, errb.String())
			}
			if tt.stdout != "" && out.String() != tt.stdout {
				t.Errorf("stdout %q, want %q", out.String(), tt.stdout)
			}
			if !strings.Contains(out.String(), tt.stdoutHas) {
				t.Errorf("stdout %q lacks %q", out.String(), tt.stdoutHas)
			}
			if !strings.Contains(errb.String(), tt.stderrHas) {
				t.Errorf("stderr %q lacks %q", errb.String(), tt.stderrHas)
			}
			if tt.code == 2 && strings.Count(errb.String(), "\n") != 1 {
				t.Errorf("bad input should be one line, got %q", errb.String())
			}
		})
	}
}
