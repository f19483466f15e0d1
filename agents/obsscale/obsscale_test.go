package obsscale

import (
	"math"
	"slices"
	"testing"

	"github.com/smgrnn/arena/framework"
)

func TestScaler(t *testing.T) {
	inf := math.Inf(1)
	box := framework.NewBox([]float64{-1.2, -0.07, -inf, -math.MaxFloat32, 3}, []float64{0.6, 0.07, inf, math.MaxFloat32, 3})
	tests := []struct {
		name  string
		space framework.Space
		on    bool
		in    []float64
		want  []float64
	}{
		{"bounded dims onto [-1, 1], others unchanged", box, true,
			[]float64{-1.2, 0.07, 5, 7, 3, 0.6, -0.07, -5, -7, 3},
			[]float64{-1, 1, 5, 7, 3, 1, -1, -5, -7, 3}},
		{"centre maps to 0", box, true, []float64{-0.3, 0, 0, 0, 3}, []float64{0, 0, 0, 0, 3}},
		{"off", box, false, []float64{-1.2, 0.07, 5, 7, 3}, []float64{-1.2, 0.07, 5, 7, 3}},
		{"discrete", &framework.Discrete{N: 4}, true, []float64{2, 3}, []float64{2, 3}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := New(tc.space, tc.space.Dim(), tc.on)
			got := s.Apply(tc.in)
			for i := range got {
				if math.Abs(got[i]-tc.want[i]) > 1e-12 {
					t.Fatalf("Apply(%v) = %v, want %v", tc.in, got, tc.want)
				}
			}
			if s.Identity() != slices.Equal(tc.in, tc.want) {
				t.Errorf("Identity() = %v", s.Identity())
			}
			if s.Identity() && &got[0] != &tc.in[0] {
				t.Error("an identity scaler copied its input")
			}
		})
	}
}
