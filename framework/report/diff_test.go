package report

import (
	"reflect"
	"testing"
)

func TestDiff(t *testing.T) {
	base := `{"runs":[{"id":"a","final_return_mean":1.5,"wall_seconds":3,"timing_seconds":{"train":1}}],"leaderboard":[{"iqm":0.25,"wall_seconds_mean":2}],"missing":["x"]}`
	for _, c := range []struct {
		name, other string
		want        []string
	}{
		{"only clocks differ", `{"runs":[{"id":"a","final_return_mean":1.5,"wall_seconds":9,"timing_seconds":{"train":7}}],"leaderboard":[{"iqm":0.25,"wall_seconds_mean":5}],"missing":["x"]}`, nil},
		{"last bit of a float", `{"runs":[{"id":"a","final_return_mean":1.5000000000000002,"wall_seconds":3}],"leaderboard":[{"iqm":0.25}],"missing":["x"]}`,
			[]string{"runs[0].final_return_mean: 1.5 != 1.5000000000000002"}},
		{"a field absent", `{"runs":[{"id":"a","wall_seconds":3}],"leaderboard":[{"iqm":0.25}],"missing":["x"]}`,
			[]string{"runs[0].final_return_mean: 1.5 != \"(absent)\""}},
		{"a run more", `{"runs":[{"id":"a","final_return_mean":1.5},{"id":"b"}],"leaderboard":[{"iqm":0.25}],"missing":["x"]}`,
			[]string{"runs.length: 1 != 2"}},
		{"a string", `{"runs":[{"id":"b","final_return_mean":1.5}],"leaderboard":[{"iqm":0.25}],"missing":["x"]}`,
			[]string{`runs[0].id: "a" != "b"`}},
		{"a type", `{"runs":[{"id":"a","final_return_mean":"1.5"}],"leaderboard":[{"iqm":0.25}],"missing":"x"}`,
			[]string{`missing: ["x"] != "x"`, `runs[0].final_return_mean: 1.5 != "1.5"`}},
	} {
		got, err := Diff([]byte(base), []byte(c.other), ClockFields, 0)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: got %q, want %q", c.name, got, c.want)
		}
	}
	if got, _ := Diff([]byte(base), []byte(`{}`), nil, 2); len(got) != 2 {
		t.Errorf("limit 2 gave %d differences", len(got))
	}
	if _, err := Diff([]byte(base), []byte(`{"runs":`), nil, 0); err == nil {
		t.Error("truncated JSON compared without an error")
	}
}
