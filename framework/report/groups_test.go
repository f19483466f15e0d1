package report

import (
	"bytes"
	"math"
	"strings"
	"testing"

	"github.com/smgrnn/arena/framework/match"
)

func TestGroupBy(t *testing.T) {
	m, err := match.Parse(`
name = "sweep"
seeds = 2
[[env]]
id = "E1"
[[env]]
id = "E2"
[[student]]
name = "m"
kind = "x"
[student.sweep]
learning_rate = [0.001, 0.01]
hidden = [[8], [64]]
`, "sweep.toml")
	if err != nil {
		t.Fatal(err)
	}
	// Score 0.9 at learning rate 0.001, 0.5 at 0.01, plus 0.01·seed.
	res, err := Build(m, records(t, m, func(env, student string, seed uint64) float64 {
		if strings.Contains(student, "learning_rate-0.001") {
			return 0.9 + 0.01*float64(seed)
		}
		return 0.5 + 0.01*float64(seed)
	}))
	if err != nil {
		t.Fatal(err)
	}
	groups, err := res.GroupBy([]string{"learning_rate"})
	if err != nil {
		t.Fatal(err)
	}
	if len(groups) != 2 || groups[0].Values[0] != "0.001" || groups[1].Values[0] != "0.01" {
		t.Fatalf("groups %+v", groups)
	}
	for i, want := range []float64{0.905, 0.505} {
		g := groups[i]
		// Two students × two envs × two seeds pooled.
		if len(g.Students) != 2 || g.Summary.Runs != 8 || math.Abs(g.Summary.Mean.Point-want) > 1e-12 {
			t.Errorf("group %v: %d students, %d runs, mean %v, want 2, 8, %v", g.Values, len(g.Students), g.Summary.Runs, g.Summary.Mean.Point, want)
		}
	}
	both, err := res.GroupBy([]string{"hidden", "learning_rate"})
	if err != nil || len(both) != 4 || both[0].Values[0] != "[64]" && both[0].Values[0] != "[8]" {
		t.Fatalf("two keys: %v, %+v", err, both)
	}
	var out bytes.Buffer
	if err := res.PrintGroups(&out, []string{"learning_rate"}, true); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "| 0.001 ") || !strings.Contains(out.String(), "0.905 [") {
		t.Errorf("group table:\n%s", out.String())
	}
	if _, err := res.GroupBy([]string{"nope"}); err == nil || !strings.Contains(err.Error(), `setting "nope"`) {
		t.Errorf("unknown setting: %v", err)
	}
}
