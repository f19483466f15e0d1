package wire

import (
	"math"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/smgrnn/arena/framework"
	arenav1 "github.com/smgrnn/arena/plugins/proto/arena/v1"
)

// FuzzFromProto feeds arbitrary wire bytes to the conversions a host or a
// plugin applies to what its peer sends: none may panic, and what they
// accept must be well formed and survive the trip back.
func FuzzFromProto(f *testing.F) {
	add := func(m proto.Message) {
		b, err := proto.Marshal(m)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range []framework.Space{
		&framework.Discrete{N: 3, Start: -1},
		framework.NewBox([]float64{-1, math.Inf(-1)}, []float64{1, math.Inf(1)}),
		framework.NewBox(make([]float64, 6), []float64{1, 1, 1, 1, 1, 1}, 2, 3),
	} {
		p, err := SpaceToProto(s)
		if err != nil {
			f.Fatal(err)
		}
		add(&arenav1.EnvSpec{Id: "Toy-v0", ObservationSpace: p, ActionSpace: p, MaxEpisodeSteps: 200})
	}
	add(&arenav1.EnvSpec{})
	add(&arenav1.EnvSpec{ObservationSpace: &arenav1.Space{Kind: &arenav1.Space_Box{Box: &arenav1.Box{Low: []float64{0}, High: []float64{1}, Shape: []int64{4, 1<<62 + 1}}}}})
	f.Fuzz(func(t *testing.T, data []byte) {
		var p arenav1.EnvSpec
		if proto.Unmarshal(data, &p) != nil {
			return
		}
		spec, err := EnvSpecFromProto(&p)
		if err == nil {
			for _, s := range []framework.Space{spec.ObservationSpace, spec.ActionSpace} {
				if err := framework.Validate(s); err != nil {
					t.Fatalf("accepted a malformed space %v: %v", s, err)
				}
			}
			back, err := EnvSpecToProto(spec)
			if err != nil {
				t.Fatalf("an accepted spec does not convert back: %v", err)
			}
			again, err := EnvSpecFromProto(back)
			if err != nil || !framework.SameSpace(again.ObservationSpace, spec.ObservationSpace) || !framework.SameSpace(again.ActionSpace, spec.ActionSpace) {
				t.Fatalf("spec changed on a round trip: %v", err)
			}
		}
		// The other conversions of peer data must not panic either.
		var l arenav1.Labels
		if proto.Unmarshal(data, &l) == nil {
			var out framework.Labels
			LabelsFromProto(&l, &out)
		}
		var a arenav1.Adam
		if proto.Unmarshal(data, &a) == nil {
			AdamFromProto(&a)
		}
		var sz arenav1.Size
		if proto.Unmarshal(data, &sz) == nil {
			SizeFromProto(&sz)
		}
		ParamsFromJSON(string(data))
	})
}
