package activation

import (
	"encoding/json"
	"math"
	"testing"
)

func TestValues(t *testing.T) {
	nan, negZero := math.NaN(), math.Copysign(0, -1)
	tests := []struct {
		a    Activation
		x    float64
		want float64
	}{
		{Tanh, 0.5, math.Tanh(0.5)},
		{Tanh, nan, nan},
		{ReLU, 2, 2},
		{ReLU, -3, 0},
		{ReLU, negZero, 0}, // +0, as math.Max(0, −0)
		{ReLU, nan, nan},   // NaN propagates, as in PyTorch
		{Sigmoid, 0, 0.5},
		{Sigmoid, -1, 1 / (1 + math.E)},
		{Sigmoid, nan, nan},
	}
	same := func(a, b float64) bool {
		return math.Float64bits(a) == math.Float64bits(b) || math.IsNaN(a) && math.IsNaN(b)
	}
	for _, tt := range tests {
		if got := tt.a.Value(tt.x); !same(got, tt.want) {
			t.Errorf("%v.Value(%v) = %v, want %v", tt.a, tt.x, got, tt.want)
		}
		z := []float64{tt.x}
		tt.a.Apply(z)
		if !same(z[0], tt.want) {
			t.Errorf("%v.Apply(%v) = %v, want %v (as Value)", tt.a, tt.x, z[0], tt.want)
		}
	}
}

// TestBackprop checks each derivative against a central difference, and
// that ReLU passes the gradient where its output is NaN and stops it where
// it is zero.
func TestBackprop(t *testing.T) {
	const h = 1e-6
	for _, a := range All() {
		for _, x := range []float64{-1.3, -0.2, 0.4, 2.1} {
			y := a.Value(x)
			d := []float64{1}
			a.Backprop([]float64{y}, d)
			want := (a.Value(x+h) - a.Value(x-h)) / (2 * h)
			if math.Abs(d[0]-want) > 1e-6 {
				t.Errorf("%v'(%v) = %v, want %v", a, x, d[0], want)
			}
		}
	}
	d := []float64{3, 3, 3}
	ReLU.Backprop([]float64{0, math.NaN(), 1}, d)
	if d[0] != 0 || d[1] != 3 || d[2] != 3 {
		t.Errorf("ReLU backprop over (0, NaN, 1) = %v, want [0 3 3]", d)
	}
}

func TestNames(t *testing.T) {
	for _, a := range All() {
		b, err := Parse(a.String())
		if err != nil || b != a {
			t.Errorf("Parse(%q) = %v, %v", a.String(), b, err)
		}
		j, err := json.Marshal(a)
		if err != nil {
			t.Fatal(err)
		}
		var c Activation
		if err := json.Unmarshal(j, &c); err != nil || c != a {
			t.Errorf("JSON %s read back as %v, %v", j, c, err)
		}
	}
	if All()[0] != Tanh || Activation(0) != Tanh {
		t.Error("the default (zero value, first listed) must be tanh")
	}
	if _, err := Parse("swish"); err == nil {
		t.Error(`Parse("swish") accepted`)
	}
	var c Activation
	if err := json.Unmarshal([]byte(`"swish"`), &c); err == nil {
		t.Error(`JSON "swish" accepted`)
	}
	if _, err := json.Marshal(Activation(9)); err == nil {
		t.Error("marshalled an unknown activation")
	}
}
