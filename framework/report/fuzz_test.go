package report

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/smgrnn/arena/framework/match"
)

// FuzzRunRecords loads an arbitrary run record from a result folder, as
// arena report does: no panic, and a record that is accepted renders in
// every format.
func FuzzRunRecords(f *testing.F) {
	m, err := match.Parse(twoStudents, "pair.toml")
	if err != nil {
		f.Fatal(err)
	}
	recs := records(f, m, func(env, student string, seed uint64) float64 { return 0.5 })
	for _, r := range recs[:2] {
		b, _ := json.Marshal(r)
		f.Add(b)
	}
	failed := recs[0]
	failed.Status, failed.Error = match.StatusFailed, "plugin crashed"
	b, _ := json.Marshal(failed)
	f.Add(b)
	f.Add([]byte(`{"id": "E1__a__s0", "status": "ok", "match_digest": "` + m.Digest() + `", "final_return_mean": null}`))
	f.Add([]byte(`{"id": "../../x", "status": "ok"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		os.MkdirAll(filepath.Join(dir, "runs"), 0o755)
		if err := os.WriteFile(filepath.Join(dir, "runs", recs[0].ID+".json"), data, 0o644); err != nil {
			t.Fatal(err)
		}
		got, err := match.ReadRuns(dir)
		if err != nil || m.CheckRecords(dir, got) != nil {
			return
		}
		res, err := BuildWith(m, got, Settings{BootstrapReps: 50})
		if err != nil {
			t.Fatalf("Build of an accepted record: %v", err)
		}
		for _, format := range []string{"table", "markdown", "json"} {
			var out bytes.Buffer
			if err := res.Print(&out, format); err != nil {
				t.Fatalf("%s of an accepted record: %v", format, err)
			}
		}
	})
}
