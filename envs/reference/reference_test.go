package reference

import (
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var testdata = filepath.Join("..", "testdata", "gymnasium")

func TestRecordedGymnasiumData(t *testing.T) {
	results, err := Check(testdata)
	if err != nil {
		t.Fatal(err)
	}
	exact, err := CheckWithin(testdata, Exact)
	if err != nil {
		t.Fatal(err)
	}
	results = append(results, exact...)
	for _, r := range results {
		if !r.Passed {
			t.Error(r)
		}
	}
	passed, failed := Counts(results)
	// Every record of the three files is counted (twice): 7 + 100 + 90.
	if want := 2 * (7 + 100 + 90); passed+failed != want {
		t.Errorf("%d records checked, want %d", passed+failed, want)
	}
	t.Logf("%d passed, %d failed (default tolerance, then exact)", passed, failed)
}

func TestTolerance(t *testing.T) {
	tests := []struct {
		got, want float64
		tol       Tolerance
		ok        bool
	}{
		{1, 1, Exact, true},
		{1, math.Nextafter(1, 2), Exact, false},
		{1.000009, 1, DefaultTolerance, true},
		{1.00002, 1, DefaultTolerance, false},
		{5e-7, 0, DefaultTolerance, true},
		{2e-6, 0, DefaultTolerance, false},
		{math.NaN(), 1, DefaultTolerance, false},
	}
	for _, tt := range tests {
		if got := tt.tol.within(tt.got, tt.want); got != tt.ok {
			t.Errorf("%+v.within(%v, %v) = %v", tt.tol, tt.got, tt.want, got)
		}
	}
}

// copyWith copies the reference files into a temporary directory, letting
// edit rewrite one line (0-based) of one file.
func copyWith(t *testing.T, file string, line int, edit func(rec map[string]any)) string {
	t.Helper()
	dir := t.TempDir()
	for _, name := range []string{PCG64File, ResetsFile, TrajectoriesFile} {
		data, err := os.ReadFile(filepath.Join(testdata, name))
		if err != nil {
			t.Fatal(err)
		}
		if name == file {
			lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
			var rec map[string]any
			if err := json.Unmarshal([]byte(lines[line]), &rec); err != nil {
				t.Fatal(err)
			}
			edit(rec)
			b, err := json.Marshal(rec)
			if err != nil {
				t.Fatal(err)
			}
			lines[line] = string(b)
			data = []byte(strings.Join(lines, "\n") + "\n")
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func failures(t *testing.T, dir string) []Result {
	t.Helper()
	results, err := Check(dir)
	if err != nil {
		t.Fatal(err)
	}
	var failed []Result
	for _, r := range results {
		if !r.Passed {
			failed = append(failed, r)
		}
	}
	return failed
}

func TestCorruptedRecordsAreReported(t *testing.T) {
	tests := []struct {
		name      string
		file      string
		line      int
		edit      func(rec map[string]any)
		env, kind string
		step      int
		field     string
	}{
		{"raw output", PCG64File, 2, func(r map[string]any) {
			r["random_raw_uint64"].([]any)[3] = "12345"
		}, "", KindPCG64, -1, "random_raw_uint64[3]"},
		{"uniform draw", PCG64File, 0, func(r map[string]any) {
			r["uniform_m005_005"].([]any)[1] = 0.01
		}, "", KindPCG64, -1, "uniform_m005_005[1]"},
		{"reset observation", ResetsFile, 21, func(r map[string]any) { // Acrobot-v1 seed 1
			r["obs"].([]any)[4] = 0.5
		}, "Acrobot-v1", KindReset, 0, "obs[4]"},
		{"reset state", ResetsFile, 81, func(r map[string]any) { // Pendulum-v1 seed 1
			r["state"].([]any)[0] = 0.1
		}, "Pendulum-v1", KindReset, 0, "state[0]"},
		{"observation mid-episode", TrajectoriesFile, 2, func(r map[string]any) { // CartPole seed 0, 500 steps
			r["obs"].([]any)[99].([]any)[2] = 0.3
		}, "CartPole-v1", KindFromSeed, 100, "obs[2]"},
		{"reward", TrajectoriesFile, 72, func(r map[string]any) { // Pendulum seed 0
			r["rewards"].([]any)[9] = -1.0
		}, "Pendulum-v1", KindFromSeed, 10, "reward"},
		{"terminated flag", TrajectoriesFile, 0, func(r map[string]any) { // CartPole seed 0, terminates at 31
			r["terminated"].([]any)[30] = false
		}, "CartPole-v1", KindFromSeed, 31, "terminated"},
		{"truncation flag", TrajectoriesFile, 18, func(r map[string]any) { // Acrobot seed 0, truncated at 500
			r["truncated"].([]any)[499] = false
		}, "Acrobot-v1", KindFromSeed, 500, "truncated"},
		{"episode too short", TrajectoriesFile, 0, func(r map[string]any) {
			for _, k := range []string{"actions", "obs", "rewards", "terminated", "truncated"} {
				r[k] = r[k].([]any)[:20]
			}
		}, "CartPole-v1", KindFromSeed, 20, "length"},
		{"start state", TrajectoriesFile, 1, func(r map[string]any) { // CartPole from_state
			r["state0"].([]any)[2] = 0.0
		}, "CartPole-v1", KindFromState, 1, "obs[1]"}, // theta moves x_dot first
		{"unknown environment", ResetsFile, 0, func(r map[string]any) {
			r["env"] = "CartPole-v0"
		}, "CartPole-v0", KindReset, 0, "env"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			failed := failures(t, copyWith(t, tt.file, tt.line, tt.edit))
			if len(failed) != 1 {
				t.Fatalf("%d records failed, want 1: %v", len(failed), failed)
			}
			r := failed[0]
			if r.Env != tt.env || r.Kind != tt.kind || r.Step != tt.step || r.Field != tt.field {
				t.Errorf("got env %q kind %q step %d field %q, want %q %q %d %q (%s)",
					r.Env, r.Kind, r.Step, r.Field, tt.env, tt.kind, tt.step, tt.field, r)
			}
			if r.File != tt.file || r.Line != tt.line+1 {
				t.Errorf("located at %s:%d, want %s:%d", r.File, r.Line, tt.file, tt.line+1)
			}
			if r.Got == "" || r.Want == "" || r.Got == r.Want {
				t.Errorf("values got %q want %q should both be given and differ", r.Got, r.Want)
			}
			line := r.String()
			for _, part := range []string{tt.field, "got " + r.Got, "want " + r.Want} {
				if !strings.Contains(line, part) {
					t.Errorf("line %q lacks %q", line, part)
				}
			}
		})
	}
}

func TestBadFilesAreFormatErrors(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, dir string)
		line  int
	}{
		{"missing file", func(t *testing.T, dir string) {
			if err := os.Remove(filepath.Join(dir, ResetsFile)); err != nil {
				t.Fatal(err)
			}
		}, 0},
		{"not JSON", func(t *testing.T, dir string) {
			appendLine(t, filepath.Join(dir, TrajectoriesFile), `{"env": "CartPole-v1", `)
		}, 91},
		{"wrong field type", func(t *testing.T, dir string) {
			appendLine(t, filepath.Join(dir, PCG64File), `{"seed": "three", "random_raw_uint64": ["1"]}`)
		}, 8},
		{"unequal lengths", func(t *testing.T, dir string) {
			appendLine(t, filepath.Join(dir, TrajectoriesFile), `{"env": "CartPole-v1", "kind": "from_seed", "seed": 0, "reset_obs": [0,0,0,0], "actions": [0, 1], "obs": [[0,0,0,0]], "rewards": [1, 1], "terminated": [false, false], "truncated": [false, false]}`)
		}, 91},
		{"unknown kind", func(t *testing.T, dir string) {
			appendLine(t, filepath.Join(dir, TrajectoriesFile), `{"env": "CartPole-v1", "kind": "sideways", "seed": 0, "actions": [0], "obs": [[0,0,0,0]], "rewards": [1], "terminated": [false], "truncated": [true]}`)
		}, 91},
		{"bad action", func(t *testing.T, dir string) {
			appendLine(t, filepath.Join(dir, TrajectoriesFile), `{"env": "CartPole-v1", "kind": "from_seed", "seed": 0, "reset_obs": [0,0,0,0], "actions": ["left"], "obs": [[0,0,0,0]], "rewards": [1], "terminated": [false], "truncated": [true]}`)
		}, 91},
		{"empty file", func(t *testing.T, dir string) {
			if err := os.WriteFile(filepath.Join(dir, PCG64File), nil, 0o644); err != nil {
				t.Fatal(err)
			}
		}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := copyWith(t, "", 0, nil)
			tt.setup(t, dir)
			_, err := Check(dir)
			var fe *FormatError
			if !errors.As(err, &fe) {
				t.Fatalf("Check = %v, want a *FormatError", err)
			}
			if fe.Line != tt.line {
				t.Errorf("error at line %d, want %d: %v", fe.Line, tt.line, err)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error spans lines: %q", err)
			}
		})
	}
}

func appendLine(t *testing.T, path, line string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(line + "\n"); err != nil {
		t.Fatal(err)
	}
}
