package report

import (
	"bytes"
	"math"
	"strings"
	"testing"

	"github.com/smgrnn/arena/framework/match"
	"github.com/smgrnn/arena/framework/stats"
)

// TestSpreadRows: each cell's spread is the sample std of its normalised
// scores with a bootstrap CI around it, and each student but the baseline
// gets the Brown–Forsythe test against the baseline's scores; the table
// prints them.
func TestSpreadRows(t *testing.T) {
	m, err := match.Parse(strings.Replace(twoStudents, "seeds = 3", "seeds = 5", 1), "pair.toml")
	if err != nil {
		t.Fatal(err)
	}
	// a is spread out (0.1 ... 0.9), b tight (0.50 ... 0.54).
	score := func(env, student string, seed uint64) float64 {
		if student == "a" {
			return 0.1 + 0.2*float64(seed)
		}
		return 0.5 + 0.01*float64(seed)
	}
	res, err := Build(m, records(t, m, score))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Spread) != 4 {
		t.Fatalf("%d spread rows, want 4", len(res.Spread))
	}
	a := []float64{0.1, 0.3, 0.5, 0.7, 0.9}
	b := []float64{0.5, 0.51, 0.52, 0.53, 0.54}
	f, p, _ := stats.BrownForsythe(a, b)
	for _, row := range res.Spread {
		want := stats.SampleStd(b)
		if row.Student == "a" {
			want = stats.SampleStd(a)
		}
		if math.Abs(float64(row.Std)-want) > 1e-12 || !(row.StdCILow <= row.Std && row.Std <= row.StdCIHi) || row.Seeds != 5 {
			t.Errorf("%s/%s: std %v [%v, %v], want %v", row.Env, row.Student, row.Std, row.StdCILow, row.StdCIHi, want)
		}
		switch row.Student {
		case "a":
			if math.Abs(float64(row.BaselineF)-f) > 1e-12 || math.Abs(float64(row.BaselineP)-p) > 1e-12 || !(p < 0.05) {
				t.Errorf("%s/a: Brown–Forsythe %v, %v, want %v, %v (< 0.05)", row.Env, row.BaselineF, row.BaselineP, f, p)
			}
		case "b":
			if !math.IsNaN(float64(row.BaselineF)) {
				t.Errorf("the baseline tested against itself: %v", row.BaselineF)
			}
		}
	}
	var out bytes.Buffer
	if err := res.Print(&out, "table"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "Spread across seeds") || !strings.Contains(out.String(), "Brown–Forsythe") {
		t.Errorf("the tables lack the spread:\n%s", out.String())
	}
}
