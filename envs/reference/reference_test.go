package reference

import (
	"path/filepath"
	"testing"
)

var testdata = filepath.Join("..", "testdata", "gymnasium")

func TestRecordedGymnasiumData(t *testing.T) {
	results, err := Check(testdata)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range results {
		if !r.Passed {
			t.Error(r)
		}
	}
	passed, failed := Counts(results)
	t.Logf("%d passed, %d failed", passed, failed)
}
