package spacejson

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/smgrnn/arena/framework"
)

func TestRoundTrip(t *testing.T) {
	spaces := []framework.Space{
		&framework.Discrete{N: 3, Start: -1},
		framework.NewBox([]float64{math.Inf(-1), -2.5, 0.1}, []float64{math.Inf(1), 2.5, 0.30000000000000004}),
		framework.NewBox([]float64{0, 0, 0, 0}, []float64{1, 1, 1, 1}, 2, 2),
	}
	for _, s := range spaces {
		j, err := Encode(s)
		if err != nil {
			t.Fatal(err)
		}
		data, err := json.Marshal(j)
		if err != nil {
			t.Fatal(err)
		}
		var back Space
		if err := json.Unmarshal(data, &back); err != nil {
			t.Fatal(err)
		}
		got, err := Decode(&back)
		if err != nil {
			t.Fatal(err)
		}
		if !framework.SameSpace(s, got) || got.String() != s.String() {
			t.Fatalf("%s came back as %s (%s)", s, got, data)
		}
	}
}

func TestFloatsKeepNonFinite(t *testing.T) {
	data, _ := json.Marshal(Floats{1.5, math.Inf(1), math.Inf(-1), math.NaN()})
	if string(data) != `[1.5,"inf","-inf","nan"]` {
		t.Fatalf("marshalled %s", data)
	}
	var f Floats
	if err := json.Unmarshal(data, &f); err != nil || f[0] != 1.5 || !math.IsInf(f[1], 1) || !math.IsInf(f[2], -1) || !math.IsNaN(f[3]) {
		t.Fatalf("read back %v, %v", f, err)
	}
}

func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		name string
		j    *Space
		want string
	}{
		{"missing", nil, "missing"},
		{"type", &Space{Type: "Tuple"}, `unknown space type "Tuple"`},
		{"bounds", &Space{Type: "Box", Low: Floats{0}, High: Floats{1, 2}}, "lengths 1 and 2"},
		{"inverted", &Space{Type: "Box", Low: Floats{1}, High: Floats{0}}, "box bound 0"},
		{"empty discrete", &Space{Type: "Discrete"}, "n = 0"},
	}
	for _, tt := range tests {
		if _, err := Decode(tt.j); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v, want %q", tt.name, err, tt.want)
		}
	}
	var f Floats
	if err := json.Unmarshal([]byte(`[1, "many"]`), &f); err == nil {
		t.Error("a string that is not a number was accepted")
	}
}
