package main

import (
	"math"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/smgrnn/arena/framework"
	"github.com/smgrnn/arena/framework/match"
)

func TestDisplayTexts(t *testing.T) {
	for n, want := range map[int]string{0: "0", 950: "950", 1000: "1k", 2500: "2.5k", 30000: "30k", 1_500_000: "1.5M"} {
		if got := kSteps(n); got != want {
			t.Errorf("kSteps(%d) = %q, want %q", n, got, want)
		}
	}
	if got := fmtEval(match.Progress{ReturnMean: -81.25, EvalSteps: 30000}); got != "eval@30k -81.2" && got != "eval@30k -81.3" {
		t.Errorf("fmtEval = %q, want the evaluation's step and return", got)
	}
	if got := fmtEval(match.Progress{ReturnMean: math.NaN(), EvalSteps: -1}); got != "no eval yet" {
		t.Errorf("fmtEval before any evaluation = %q", got)
	}

	// The default match's longest run fits 80 columns, in the bar (label,
	// bar, steps, return, size) and in the finished-run line.
	long := match.RunSpec{Env: match.EnvEntry{ID: "MountainCarContinuous-v0"},
		Student: match.StudentEntry{Name: "smgrnn-grow-only"}, Seed: 4}
	label := barLabel(long, labelWidth)
	if utf8.RuneCountInString(label) > labelWidth || !strings.HasSuffix(label, " smgrnn-grow-only s4") {
		t.Errorf("bar label %q: longer than %d or lost the student and seed", label, labelWidth)
	}
	status := " 50k/50k " + fmtEval(match.Progress{ReturnMean: -1234.5, EvalSteps: 50000}) + " 4610p"
	if w := labelWidth + 1 + barWidth + len(status); w > 80 {
		t.Errorf("a bar line is %d columns", w)
	}
	// Its numbers as the default match gives them, with room to spare.
	rec := &match.RunRecord{Status: match.StatusOK, FinalReturnMean: -93.9, FinalReturnStd: 10.1,
		Normalized: 0.987, Size: framework.Size{Params: 4610}, WallSeconds: 123}
	if line := fmtFinished(long, rec); utf8.RuneCountInString(line) > 80 {
		t.Errorf("finished line %q is %d columns", line, utf8.RuneCountInString(line))
	}
	short := match.RunSpec{Env: match.EnvEntry{ID: "CartPole-v1"}, Student: match.StudentEntry{Name: "mlp"}, Seed: 0}
	if got := barLabel(short, labelWidth); got != "CartPole-v1 mlp s0" {
		t.Errorf("a short label was cut: %q", got)
	}
}

func TestFlagSuggestion(t *testing.T) {
	for _, tt := range []struct{ args, want string }{
		{"run --paralel 2", "unknown flag --paralel (did you mean --parallel?)"},
		{"report --bootstrap-rep 3 x", "did you mean --bootstrap-reps?"},
		{"run --zzz", "unknown flag --zzz (known: "},
	} {
		var stdout, stderr strings.Builder
		code := run(strings.Fields(tt.args), &stdout, &stderr)
		if code != 2 || !strings.Contains(stderr.String(), tt.want) || strings.Count(stderr.String(), "\n") != 1 || stdout.Len() != 0 {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want exit 2, one line with %q, no usage", tt.args, code, stdout.String(), stderr.String(), tt.want)
		}
	}
	for _, tt := range []struct {
		a, b string
		d    int
	}{{"", "", 0}, {"paralel", "parallel", 1}, {"kitten", "sitting", 3}, {"out", "", 3}} {
		if got := editDistance(tt.a, tt.b); got != tt.d {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.d)
		}
	}
	if n := nRuns(1) + "," + nRuns(2); n != "1 run,2 runs" {
		t.Errorf("nRuns: %s", n)
	}
}

func TestBenchComparisonColumnOnlyWithNumbers(t *testing.T) {
	var without, with strings.Builder
	rows := []benchResult{{What: "step", Mode: "plugin", N: 1, PerSecond: 10, Unit: "steps/s", Seconds: 1}}
	if err := printBench(&without, rows, false); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(without.String(), "vs in-process") {
		t.Errorf("a table with no comparison has its column:\n%s", without.String())
	}
	rows[0].Slowdown = 2
	printBench(&with, rows, false)
	if !strings.Contains(with.String(), "vs in-process") || !strings.Contains(with.String(), "2.00×") {
		t.Errorf("the comparison is missing:\n%s", with.String())
	}
}
