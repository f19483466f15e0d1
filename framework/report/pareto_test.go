package report

import (
	"math"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/smgrnn/arena/framework"
	"github.com/smgrnn/arena/framework/match"
)

func TestParetoFront(t *testing.T) {
	pt := func(params, score float64) SizePoint { return SizePoint{Params: params, Score: score} }
	for _, tc := range []struct {
		name string
		pts  []SizePoint
		want []int
	}{
		{"empty", nil, nil},
		{"one", []SizePoint{pt(10, 0.5)}, []int{0}},
		{"bigger and better", []SizePoint{pt(400, 0.9), pt(50, 0.7), pt(4600, 0.99)}, []int{1, 0, 2}},
		{"bigger, not better", []SizePoint{pt(400, 0.9), pt(4600, 0.9), pt(50, 0.95)}, []int{2}},
		{"dominated in the middle", []SizePoint{pt(50, 0.7), pt(400, 0.6), pt(420, 0.8)}, []int{0, 2}},
		{"same size: the better", []SizePoint{pt(400, 0.8), pt(400, 0.9)}, []int{1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := ParetoFront(tc.pts); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("ParetoFront = %v, want %v", got, tc.want)
			}
		})
	}
}

// TestSizePoints: a student's point is its mean parameter count and the
// IQM of its normalised scores inside its CI; MLPs are the references.
func TestSizePoints(t *testing.T) {
	const text = `
name = "sizes"
seeds = 4
[[env]]
id = "E1"
[[student]]
name = "small"
kind = "set"
[[student]]
name = "dense"
kind = "mlp"
`
	m, err := match.Parse(text, "sizes.toml")
	if err != nil {
		t.Fatal(err)
	}
	recs := records(t, m, func(env, student string, seed uint64) float64 {
		if student == "dense" {
			return 0.9
		}
		return 0.5 + 0.1*float64(seed)
	})
	for i := range recs {
		if recs[i].Student == "dense" {
			recs[i].Size = framework.Size{Params: 4610}
		} else {
			recs[i].Size = framework.Size{Params: 400 + 10*int(recs[i].Seed)}
		}
	}
	r, err := Build(m, recs)
	if err != nil {
		t.Fatal(err)
	}
	pts := r.SizePoints("E1")
	if len(pts) != 2 {
		t.Fatalf("%d points, want 2", len(pts))
	}
	small, dense := pts[0], pts[1]
	if small.Student != "small" || small.Reference || !dense.Reference {
		t.Errorf("points %+v: want small (not a reference) then dense (a reference)", pts)
	}
	if small.Params != 415 || dense.Params != 4610 {
		t.Errorf("params %v and %v, want 415 and 4610", small.Params, dense.Params)
	}
	// IQM of 0.5, 0.6, 0.7, 0.8: the middle two.
	if math.Abs(small.Score-0.65) > 1e-12 || !(small.Lo <= small.Score && small.Score <= small.Hi) || small.Hi-small.Lo <= 0 {
		t.Errorf("small: score %v CI [%v, %v], want 0.65 inside a CI of positive width", small.Score, small.Lo, small.Hi)
	}
	dir := t.TempDir()
	if err := r.WritePlots(dir); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(filepath.Join(dir, "pareto-E1.png")); err != nil || st.Size() == 0 {
		t.Errorf("pareto-E1.png missing or empty: %v", err)
	}
}
