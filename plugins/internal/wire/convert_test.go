package wire

import (
	"math"
	"reflect"
	"testing"

	"github.com/smgrnn/arena/framework"
	arenav1 "github.com/smgrnn/arena/plugins/proto/arena/v1"
)

func TestSpaceRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		s    framework.Space
	}{
		{"discrete", &framework.Discrete{N: 3}},
		{"discrete with start", &framework.Discrete{N: 3, Start: -1}},
		{"bounded box", framework.NewBox([]float64{-1, -2}, []float64{1, 2})},
		{"unbounded box", framework.NewBox([]float64{math.Inf(-1), -math.MaxFloat32}, []float64{math.Inf(1), math.MaxFloat32})},
		{"2-d box", framework.NewBox([]float64{0, 0, 0, 0, 0, 0}, []float64{1, 1, 1, 1, 1, 1}, 2, 3)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := SpaceToProto(tc.s)
			if err != nil {
				t.Fatal(err)
			}
			back, err := SpaceFromProto(p)
			if err != nil {
				t.Fatal(err)
			}
			if !framework.SameSpace(tc.s, back) || back.String() != tc.s.String() {
				t.Errorf("%s came back as %s", tc.s, back)
			}
		})
	}
}

func TestSpaceFromProtoRejectsMalformed(t *testing.T) {
	box := func(low, high []float64, shape ...int64) *arenav1.Space {
		return &arenav1.Space{Kind: &arenav1.Space_Box{Box: &arenav1.Box{Low: low, High: high, Shape: shape}}}
	}
	tests := []struct {
		name string
		p    *arenav1.Space
	}{
		{"missing", nil},
		{"empty kind", &arenav1.Space{}},
		{"discrete n=0", &arenav1.Space{Kind: &arenav1.Space_Discrete{Discrete: &arenav1.Discrete{N: 0}}}},
		{"discrete n huge", &arenav1.Space{Kind: &arenav1.Space_Discrete{Discrete: &arenav1.Discrete{N: 1 << 40}}}},
		{"bounds of different lengths", box([]float64{0}, []float64{1, 2})},
		{"empty box", box(nil, nil)},
		{"low above high", box([]float64{2}, []float64{1})},
		{"NaN bound", box([]float64{math.NaN()}, []float64{1})},
		{"shape mismatch", box([]float64{0, 0}, []float64{1, 1}, 3)},
		{"negative shape", box([]float64{0, 0}, []float64{1, 1}, -2)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if s, err := SpaceFromProto(tc.p); err == nil {
				t.Errorf("accepted as %s", s)
			}
		})
	}
}

func TestEnvSpecRoundTrip(t *testing.T) {
	th := 475.0
	for _, rt := range []*float64{nil, &th} {
		spec := framework.EnvSpec{ID: "X-v0", ObservationSpace: framework.NewBox([]float64{-1}, []float64{1}),
			ActionSpace: &framework.Discrete{N: 2}, MaxEpisodeSteps: 500, RewardThreshold: rt, RenderFPS: 50}
		p, err := EnvSpecToProto(spec)
		if err != nil {
			t.Fatal(err)
		}
		back, err := EnvSpecFromProto(p)
		if err != nil {
			t.Fatal(err)
		}
		if back.ID != spec.ID || back.MaxEpisodeSteps != 500 || back.RenderFPS != 50 || (rt == nil) != (back.RewardThreshold == nil) ||
			rt != nil && *back.RewardThreshold != th || !framework.SameSpace(back.ActionSpace, spec.ActionSpace) {
			t.Errorf("%+v came back as %+v", spec, back)
		}
	}
}

// TestParamsKeepTheirTypes checks that settings cross the wire with the
// types TOML gave them, so a student behaves the same in and out of
// process.
func TestParamsKeepTheirTypes(t *testing.T) {
	tests := []struct {
		name string
		in   framework.Params
		want framework.Params
	}{
		{"empty", framework.Params{}, framework.Params{}},
		{"nil", nil, framework.Params{}},
		{"scalars", framework.Params{"i": int64(3), "f": 3.0, "g": 0.1, "s": "paper", "b": true},
			framework.Params{"i": int64(3), "f": 3.0, "g": 0.1, "s": "paper", "b": true}},
		{"go ints", framework.Params{"i": 7, "u": uint8(2)}, framework.Params{"i": int64(7), "u": int64(2)}},
		{"tiny and huge floats", framework.Params{"a": 1e-300, "b": 1e300, "c": -0.0},
			framework.Params{"a": 1e-300, "b": 1e300, "c": -0.0}},
		{"lists", framework.Params{"hidden": []any{int64(64), int64(64)}, "xs": []float64{1, 2.5}},
			framework.Params{"hidden": []any{int64(64), int64(64)}, "xs": []any{1.0, 2.5}}},
		{"tables", framework.Params{"spm": map[string]any{"window": int64(10), "theta": 0.5}},
			framework.Params{"spm": map[string]any{"window": int64(10), "theta": 0.5}}},
		{"typed int list", framework.Params{"h": []int64{8}}, framework.Params{"h": []any{int64(8)}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := ParamsToJSON(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			back, err := ParamsFromJSON(s)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(back, tc.want) {
				t.Errorf("%#v came back as %#v (JSON %s)", tc.in, back, s)
			}
		})
	}
}

func TestParamsRejectNonFinite(t *testing.T) {
	for _, v := range []float64{math.NaN(), math.Inf(1)} {
		if s, err := ParamsToJSON(framework.Params{"x": v}); err == nil {
			t.Errorf("%v encoded as %s", v, s)
		}
	}
	for _, s := range []string{"[1]", "{", `"x"`} {
		if p, err := ParamsFromJSON(s); err == nil {
			t.Errorf("%q decoded as %v", s, p)
		}
	}
}

func TestLabelsKeepAbsentDistributions(t *testing.T) {
	tests := []framework.Labels{
		{Actions: []float64{1, 0}},
		{Actions: []float64{1, 0}, Probs: []float64{0.2, 0.8, 0.9, 0.1}},
		{Actions: []float64{0.5}, Mean: []float64{0.5}, Std: []float64{0.1}},
		{Actions: []float64{}, Probs: []float64{}},
	}
	for _, l := range tests {
		var back framework.Labels
		LabelsFromProto(LabelsToProto(&l), &back)
		if (l.Probs == nil) != (back.Probs == nil) || (l.Mean == nil) != (back.Mean == nil) || back.Soft() != l.Soft() ||
			len(back.Actions) != len(l.Actions) || len(back.Probs) != len(l.Probs) {
			t.Errorf("%+v came back as %+v", l, back)
		}
	}
}

func BenchmarkParamsRoundTrip(b *testing.B) {
	p := framework.Params{"hidden": []any{int64(64), int64(64)}, "strategy": "paper", "spm": map[string]any{"window": int64(10)}}
	for b.Loop() {
		s, _ := ParamsToJSON(p)
		ParamsFromJSON(s)
	}
}
