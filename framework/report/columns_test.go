package report

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/smgrnn/arena/framework/match"
)

// TestOneDeclarationPerNumber adds one Column and finds it in runs.csv,
// results.json and the tables, with a missing value shown as missing
// everywhere.
func TestOneDeclarationPerNumber(t *testing.T) {
	saved := columns
	defer func() { columns = saved }()
	columns = append(slices.Clone(columns), Column{
		Key: "seed_squared",
		Get: func(r *match.RunRecord) float64 {
			if r.Env == "E2" {
				return math.NaN() // E2's records lack it
			}
			return float64(r.Seed * r.Seed)
		},
		Cells: []Cell{{Stat: Mean, Keys: []string{"seed_squared_mean"}, Title: "seed²", Prec: 2}},
	})
	m, _ := match.Parse(twoStudents, "pair.toml")
	res, err := Build(m, records(t, m, func(string, string, uint64) float64 { return 0.5 }))
	if err != nil {
		t.Fatal(err)
	}

	rows, err := csv.NewReader(bytes.NewReader(res.csv())).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := slices.Index(rows[0], "seed_squared")
	if col < 0 {
		t.Fatalf("runs.csv header lacks the new column: %v", rows[0])
	}
	for _, row := range rows[1:] {
		want := map[string]string{"E1__a__s2": "4", "E2__a__s2": ""}[row[0]]
		if (row[0] == "E1__a__s2" || row[0] == "E2__a__s2") && row[col] != want {
			t.Errorf("runs.csv %s: seed_squared %q, want %q", row[0], row[col], want)
		}
	}

	data, err := json.Marshal(res.Leaderboard)
	if err != nil {
		t.Fatal(err)
	}
	var parsed []map[string]any
	json.Unmarshal(data, &parsed)
	// Seeds 0, 1, 2: mean of 0, 1, 4 is 5/3.
	if v, ok := parsed[0]["seed_squared_mean"].(float64); !ok || math.Abs(v-5.0/3) > 1e-12 {
		t.Errorf("results.json E1 row: seed_squared_mean = %v, want 5/3", parsed[0]["seed_squared_mean"])
	}
	if v, ok := parsed[2]["seed_squared_mean"]; !ok || v != nil {
		t.Errorf("results.json E2 row: seed_squared_mean = %v, want null", v)
	}

	var out bytes.Buffer
	res.Print(&out, "markdown")
	text := out.String()
	if !strings.Contains(text, "seed²") || !strings.Contains(text, "1.67") {
		t.Errorf("the table lacks the new column or its value:\n%s", text)
	}
	e2 := text[strings.Index(text, "### E2"):]
	if line := e2[strings.Index(e2, "| a "):]; !strings.Contains(line[:strings.Index(line, "\n")], "| - ") {
		t.Errorf("E2's missing value is not shown as missing: %s", line[:strings.Index(line, "\n")])
	}

	// The row reads back from results.json as it was.
	var back []EnvRow
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	again, _ := json.Marshal(back)
	if !bytes.Equal(again, data) {
		t.Errorf("leaderboard does not round-trip:\n%s\n%s", data, again)
	}
}

// TestEmptyCellIsMissing checks that a cell with no successful run shows
// every statistic as missing, not as zero.
func TestEmptyCellIsMissing(t *testing.T) {
	row := newEnvRow("E", "s", nil, 2, Settings{}.options())
	for _, col := range columns {
		for _, c := range col.Cells {
			for _, k := range c.Keys {
				if !math.IsNaN(row.Value(k)) {
					t.Errorf("%s = %v with no runs, want NaN", k, row.Value(k))
				}
			}
		}
	}
	if !math.IsNaN(row.Value("no_such_key")) {
		t.Error("an undeclared key is not missing")
	}
}
