package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/plot"

	"github.com/smgrnn/arena/framework"
	"github.com/smgrnn/arena/framework/match"
)

const twoStudents = `
name = "pair"
seeds = 3
baseline = "b"
[[env]]
id = "E1"
[[env]]
id = "E2"
[[student]]
name = "a"
kind = "x"
[[student]]
name = "b"
kind = "x"
`

// records makes run records whose normalised score is given per
// env/student/seed; returns are 100 × score.
func records(t testing.TB, m *match.Match, score func(env, student string, seed uint64) float64) []match.RunRecord {
	t.Helper()
	var out []match.RunRecord
	for _, s := range m.Runs() {
		v := score(s.Env.ID, s.Student.Name, s.Seed)
		out = append(out, match.RunRecord{
			ID: s.ID, Env: s.Env.ID, Student: s.Student.Name, Seed: s.Seed, Status: match.StatusOK,
			FinalReturnMean: match.Num(100 * v), FinalReturns: []float64{100 * v}, FinalReturnStd: 1, TeacherReturn: 100, RandomReturn: 0,
			Normalized: match.Num(v), CurveAUC: match.Num(v / 2), Size: framework.Size{Params: 10}, MatchDigest: m.Digest(),
			Curve: []match.CurvePoint{{EnvSteps: 0, ReturnMean: 0, Size: framework.Size{Params: 10}}, {EnvSteps: 100, ReturnMean: match.Num(100 * v), Size: framework.Size{Params: 10}}},
		})
	}
	return out
}

func TestBuildLeaderboard(t *testing.T) {
	m, err := match.Parse(twoStudents, "pair.toml")
	if err != nil {
		t.Fatal(err)
	}
	// a scores 1.0 everywhere; b scores 0.2, 0.4, 0.6 by seed.
	res, err := Build(m, records(t, m, func(env, student string, seed uint64) float64 {
		if student == "a" {
			return 1
		}
		return 0.2 * float64(seed+1)
	}))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Leaderboard) != 4 || len(res.Aggregate) != 2 || len(res.Missing) != 0 {
		t.Fatalf("%d rows, %d aggregates, %d missing", len(res.Leaderboard), len(res.Aggregate), len(res.Missing))
	}
	var b EnvRow
	for _, r := range res.Leaderboard {
		if r.Env == "E1" && r.Student == "b" {
			b = r
		}
	}
	// Returns 20, 40, 60: mean 40, sample std 20, IQM of 3 values = mean.
	mean, std, iqm, lo, hi := b.Value("return_mean"), b.Value("return_std"), b.Value("iqm"), b.Value("iqm_ci_low"), b.Value("iqm_ci_high")
	if mean != 40 || math.Abs(std-20) > 1e-12 || math.Abs(iqm-40) > 1e-12 {
		t.Fatalf("row b/E1 = %+v", b)
	}
	if !(lo <= iqm && iqm <= hi) || lo < 20-1e-9 || hi > 60+1e-9 {
		t.Fatalf("IQM CI [%v, %v] around %v", lo, hi, iqm)
	}
	// Normalised 0.2, 0.4, 0.6: mean and IQM 0.4.
	if math.Abs(b.Value("normalized_mean")-0.4) > 1e-12 || math.Abs(b.Value("normalized_iqm")-0.4) > 1e-12 {
		t.Fatalf("normalised mean %v, IQM %v, want 0.4", b.Value("normalized_mean"), b.Value("normalized_iqm"))
	}
	a, base := res.Aggregate[0], res.Aggregate[1]
	// a beats every run of b on both envs; b against itself is a coin toss.
	if a.ProbImprovement != 1 || base.ProbImprovement != 0.5 {
		t.Fatalf("P(improve) a = %v, b = %v", a.ProbImprovement, base.ProbImprovement)
	}
	if a.IQMNormalized != 1 || a.OptimalityGap != 0 || math.Abs(float64(base.OptimalityGap)-0.6) > 1e-12 {
		t.Fatalf("aggregates a = %+v, b = %+v", a, base)
	}

	// The same records give the same report (seeded bootstrap), in any order.
	recs := records(t, m, func(env, student string, seed uint64) float64 { return 0.1 * float64(seed+1) })
	r1, _ := Build(m, recs)
	rev := append([]match.RunRecord(nil), recs...)
	for i, j := 0, len(rev)-1; i < j; i, j = i+1, j-1 {
		rev[i], rev[j] = rev[j], rev[i]
	}
	r2, _ := Build(m, rev)
	j1, _ := json.Marshal(r1.Leaderboard)
	j2, _ := json.Marshal(r2.Leaderboard)
	if !bytes.Equal(j1, j2) {
		t.Fatal("report depends on the order of the records")
	}
}

func TestFailedAndMissingRuns(t *testing.T) {
	m, _ := match.Parse(twoStudents, "pair.toml")
	recs := records(t, m, func(string, string, uint64) float64 { return 0.5 })
	recs[0].Status, recs[0].Error = match.StatusFailed, "plugin crashed"
	recs = recs[:len(recs)-1]
	res, err := Build(m, recs)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Missing) != 1 || res.Leaderboard[0].Failed != 1 || res.Leaderboard[0].Seeds != 2 {
		t.Fatalf("missing %v, first row %+v", res.Missing, res.Leaderboard[0])
	}
	var out bytes.Buffer
	if err := res.Print(&out, "table"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "2 (1 failed)") || !strings.Contains(out.String(), "1 run of the match is missing") {
		t.Fatalf("table does not show the failure and the missing run:\n%s", out.String())
	}
}

func TestWriteFilesAndMergeShards(t *testing.T) {
	m, _ := match.Parse(twoStudents, "pair.toml")
	recs := records(t, m, func(env, student string, seed uint64) float64 { return 0.3 + 0.2*float64(seed) })
	recs[0].Topology = "digraph { a -> b }"
	// Two shard folders, and one folder with everything.
	whole, s0, s1 := t.TempDir(), t.TempDir(), t.TempDir()
	for _, dir := range []string{whole, s0, s1} {
		if err := match.WriteFileAtomic(filepath.Join(dir, "match.toml"), []byte(twoStudents)); err != nil {
			t.Fatal(err)
		}
		os.MkdirAll(filepath.Join(dir, "runs"), 0o755)
	}
	for i, r := range recs {
		shard := []string{s0, s1}[i%2]
		for _, dir := range []string{whole, shard} {
			if err := match.WriteJSONAtomic(filepath.Join(dir, "runs", r.ID+".json"), r); err != nil {
				t.Fatal(err)
			}
		}
	}
	a, err := FromDirs([]string{whole})
	if err != nil {
		t.Fatal(err)
	}
	b, err := FromDirs([]string{s0, s1})
	if err != nil {
		t.Fatal(err)
	}
	var ja, jb bytes.Buffer
	a.Print(&ja, "markdown")
	b.Print(&jb, "markdown")
	if ja.String() != jb.String() {
		t.Fatalf("merged shards differ from the whole:\n%s\n---\n%s", ja.String(), jb.String())
	}
	if err := a.WriteFiles(whole); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"results.json", "runs.csv", "leaderboard.md", "plots/scores.png", "plots/profile.png", "plots/curve-E1.png", "plots/size-E2.png", "topologies/" + recs[0].ID + ".dot"} {
		if st, err := os.Stat(filepath.Join(whole, f)); err != nil || st.Size() == 0 {
			t.Errorf("%s missing or empty: %v", f, err)
		}
	}
	var parsed struct {
		Runs        []map[string]any `json:"runs"`
		Leaderboard []map[string]any `json:"leaderboard"`
		Aggregate   []map[string]any `json:"aggregate"`
	}
	data, _ := os.ReadFile(filepath.Join(whole, "results.json"))
	if err := json.Unmarshal(data, &parsed); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"env", "student", "seed", "status", "final_return_mean", "final_return_std", "normalized", "params", "hidden_neurons", "edges", "wall_seconds"} {
		if _, ok := parsed.Runs[0][key]; !ok {
			t.Errorf("runs[] lacks %q", key)
		}
	}
	for _, key := range []string{"env", "student", "return_mean", "return_std", "iqm", "iqm_ci_low", "iqm_ci_high", "normalized_mean", "params_mean"} {
		if _, ok := parsed.Leaderboard[0][key]; !ok {
			t.Errorf("leaderboard[] lacks %q", key)
		}
	}
	for _, key := range []string{"student", "iqm_normalized", "ci_low", "ci_high", "optimality_gap", "prob_improvement"} {
		if _, ok := parsed.Aggregate[0][key]; !ok {
			t.Errorf("aggregate[] lacks %q", key)
		}
	}

	// A folder of another match is refused.
	other := t.TempDir()
	match.WriteFileAtomic(filepath.Join(other, "match.toml"), []byte(strings.Replace(twoStudents, "seeds = 3", "seeds = 4", 1)))
	if _, err := FromDirs([]string{whole, other}); err == nil || !strings.Contains(err.Error(), "other settings") {
		t.Fatalf("merging different matches: %v", err)
	}
}

func TestRenderSVGs(t *testing.T) {
	dotPath, err := exec.LookPath("dot")
	if err != nil {
		t.Skip("Graphviz's dot is not installed")
	}
	dir := t.TempDir()
	var paths []string
	for i := range 5 {
		p := filepath.Join(dir, fmt.Sprintf("net%d.dot", i))
		if err := os.WriteFile(p, []byte(fmt.Sprintf("digraph { a -> b%d; b%d -> c }", i, i)), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	broken := filepath.Join(dir, "broken.dot")
	os.WriteFile(broken, []byte("digraph { a -> "), 0o644)
	if err := renderSVGs(dotPath, append(paths, broken)); err != nil {
		t.Fatal(err)
	}
	for _, p := range paths {
		svg, err := os.ReadFile(strings.TrimSuffix(p, ".dot") + ".svg")
		if err != nil || !bytes.Contains(svg, []byte("<svg")) {
			t.Errorf("%s: no SVG beside it (%v)", p, err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "broken.svg")); err == nil {
		t.Error("a DOT file dot cannot read got an SVG")
	}
}

// TestAggregatesAndWarning checks the pooled aggregates, the performance
// profile and the too-few-seeds warning.
func TestAggregatesAndWarning(t *testing.T) {
	for _, seeds := range []int{3, 4, 5} {
		text := strings.Replace(twoStudents, "seeds = 3", fmt.Sprintf("seeds = %d", seeds), 1)
		m, err := match.Parse(text, "pair.toml")
		if err != nil {
			t.Fatal(err)
		}
		// b scores 0.2·(seed+1) on E1 and 0.1·(seed+1) on E2.
		res, err := BuildWith(m, records(t, m, func(env, student string, seed uint64) float64 {
			if student == "a" {
				return 1
			}
			if env == "E2" {
				return 0.1 * float64(seed+1)
			}
			return 0.2 * float64(seed+1)
		}), Settings{BootstrapReps: 300})
		if err != nil {
			t.Fatal(err)
		}
		warned := len(res.Warnings) > 0
		if warned != (seeds < 5) {
			t.Errorf("%d seeds: warnings %q", seeds, res.Warnings)
		}
		var out bytes.Buffer
		res.Print(&out, "table")
		if strings.Contains(out.String(), "WARNING") != (seeds < 5) || !strings.Contains(out.String(), "300 resamples") {
			t.Errorf("%d seeds: table does not show the warning or the resamples:\n%s", seeds, out.String())
		}
		if res.Bootstrap.Reps != 300 {
			t.Errorf("results.json records %d resamples, want 300", res.Bootstrap.Reps)
		}
		if seeds != 3 {
			continue
		}
		// b pooled: 0.2 0.4 0.6 0.1 0.2 0.3 → sorted 0.1 0.2 0.2 0.3 0.4
		// 0.6: median 0.25, mean 1.8/6 = 0.3, IQM (k = 1) 1.1/4 = 0.275,
		// gap 4.2/6 = 0.7.
		b := res.Aggregate[1]
		for name, c := range map[string][2]float64{
			"median": {float64(b.Median), 0.25}, "mean": {float64(b.MeanNormalized), 0.3},
			"iqm": {float64(b.IQMNormalized), 0.275}, "gap": {float64(b.OptimalityGap), 0.7},
		} {
			if math.Abs(c[0]-c[1]) > 1e-12 {
				t.Errorf("b's %s = %v, want %v", name, c[0], c[1])
			}
		}
		for name, iv := range map[string][3]match.Num{
			"median": {b.MedianCILow, b.Median, b.MedianCIHigh}, "mean": {b.MeanCILow, b.MeanNormalized, b.MeanCIHigh},
			"gap": {b.GapCILow, b.OptimalityGap, b.GapCIHigh},
		} {
			if !(iv[0] <= iv[1] && iv[1] <= iv[2]) || iv[0] == iv[2] {
				t.Errorf("b's %s CI %v does not hold its point or has no width", name, iv)
			}
		}
		if b.Runs != 6 {
			t.Errorf("b pools %d runs, want 6", b.Runs)
		}
		if len(res.Profiles) != 2 || res.Profiles[1].Student != "b" {
			t.Fatalf("profiles: %+v", res.Profiles)
		}
		p := res.Profiles[1]
		// τ from 0 to 1 (no score above 1); at τ = 0.25, 3 of 6 runs of b
		// score above.
		if p.Tau[0] != 0 || p.Tau[len(p.Tau)-1] != 1 || p.Tau[25] != 0.25 || p.Fraction[25].Point != 0.5 {
			t.Errorf("b's profile: τ %v…%v, at τ=%v %v", p.Tau[0], p.Tau[len(p.Tau)-1], p.Tau[25], p.Fraction[25])
		}
	}
}

func TestTicks(t *testing.T) {
	labels := func(ts []plot.Tick) []string {
		var out []string
		for _, tk := range ts {
			if tk.Label != "" {
				out = append(out, tk.Label)
			}
		}
		return out
	}
	for _, tt := range []struct {
		lo, hi float64
		want   string
	}{
		{0, 50000, "0 10k 20k 30k 40k 50k"},
		{0, 100000, "0 20k 40k 60k 80k 100k"},
		{-500, -80, "-500 -400 -300 -200 -100"},
		{0, 1.05, "0 0.2 0.4 0.6 0.8 1.0"},
		{0, 2_500_000, "0 500k 1M 1.5M 2M 2.5M"},
	} {
		if got := strings.Join(labels(niceTicks(tt.lo, tt.hi)), " "); got != tt.want {
			t.Errorf("ticks on [%v, %v] = %q, want %q", tt.lo, tt.hi, got, tt.want)
		}
	}
	if got := strings.Join(labels(logTicks(40, 4600)), " "); got != "50 100 200 500 1000 2000" {
		t.Errorf("log ticks on [40, 4600] = %q", got)
	}
}

// TestReportFromAnySubset checks that a report renders, in every format
// and with every file, from any subset of a match's runs: none, only
// failures, one env, one student failing everywhere on one env.
func TestReportFromAnySubset(t *testing.T) {
	m, _ := match.Parse(twoStudents, "pair.toml")
	all := records(t, m, func(env, student string, seed uint64) float64 { return 0.3 + 0.2*float64(seed) })
	keep := func(f func(r match.RunRecord) bool) []match.RunRecord {
		var out []match.RunRecord
		for _, r := range all {
			if f(r) {
				out = append(out, r)
			}
		}
		return out
	}
	failed := func(rs []match.RunRecord, f func(r match.RunRecord) bool) []match.RunRecord {
		out := append([]match.RunRecord(nil), rs...)
		for i := range out {
			if f(out[i]) {
				out[i].Status, out[i].Error = match.StatusFailed, "env crashed"
			}
		}
		return out
	}
	tests := []struct {
		name string
		runs []match.RunRecord
		want []string
	}{
		{"no runs", nil, []string{"12 runs of the match are missing", "missing: no successful run"}},
		{"only failures", failed(all, func(match.RunRecord) bool { return true }), []string{"0 (3 failed)", "a has no successful run on any environment: its overall row is empty"}},
		{"one env", keep(func(r match.RunRecord) bool { return r.Env == "E2" }), []string{"6 runs of the match are missing", "a has no successful run on E1: its overall row covers the other environments only"}},
		{"a fails on E1", failed(all, func(r match.RunRecord) bool { return r.Env == "E1" && r.Student == "a" }), []string{"a has no successful run on E1:"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Build(m, tt.runs)
			if err != nil {
				t.Fatal(err)
			}
			for _, format := range []string{"table", "markdown", "json"} {
				var out bytes.Buffer
				if err := res.Print(&out, format); err != nil {
					t.Fatalf("%s: %v", format, err)
				}
				if format == "table" {
					for _, w := range tt.want {
						if !strings.Contains(out.String(), w) {
							t.Errorf("table lacks %q:\n%s", w, out.String())
						}
					}
				}
			}
			if err := res.WriteFiles(t.TempDir()); err != nil {
				t.Fatalf("WriteFiles: %v", err)
			}
		})
	}
	// One student failing on one env leaves its overall row, and the
	// others', filled from the envs where it has runs.
	res, _ := Build(m, failed(all, func(r match.RunRecord) bool { return r.Env == "E1" && r.Student == "a" }))
	for _, row := range res.Aggregate {
		if math.IsNaN(float64(row.IQMNormalized)) || math.IsNaN(float64(row.ProbImprovement)) {
			t.Errorf("overall row of %s is blank: %+v", row.Student, row)
		}
	}
	if got := res.Aggregate[0].MissingEnvs; len(got) != 1 || got[0] != "E1" {
		t.Errorf("a's missing envs = %v, want [E1]", got)
	}
	if got := res.Aggregate[1].MissingEnvs; len(got) != 0 {
		t.Errorf("b's missing envs = %v, want none", got)
	}
}

// TestFromDirsChecksRecords checks a report refuses records that do not
// belong to its match, as a resume does.
func TestFromDirsChecksRecords(t *testing.T) {
	m, _ := match.Parse(twoStudents, "pair.toml")
	tests := []struct {
		name string
		edit func(r *match.RunRecord)
		want string
	}{
		{"another match", func(r *match.RunRecord) { r.MatchDigest = "0123456789abcdef" }, "of another match"},
		{"hollow ok record", func(r *match.RunRecord) {
			*r = match.RunRecord{ID: r.ID, Status: match.StatusOK, MatchDigest: r.MatchDigest, Env: r.Env, Student: r.Student, Seed: r.Seed}
		}, "marked ok but has no final evaluation"},
		{"wrong env", func(r *match.RunRecord) { r.Env = "E2" }, `says env "E2"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			match.WriteFileAtomic(filepath.Join(dir, "match.toml"), []byte(twoStudents))
			os.MkdirAll(filepath.Join(dir, "runs"), 0o755)
			for i, r := range records(t, m, func(string, string, uint64) float64 { return 0.5 }) {
				if i == 0 {
					tt.edit(&r)
				}
				match.WriteJSONAtomic(filepath.Join(dir, "runs", r.ID+".json"), r)
			}
			if _, err := FromDirs([]string{dir}); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("FromDirs: %v, want %q", err, tt.want)
			}
		})
	}
}
