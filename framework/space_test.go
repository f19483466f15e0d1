package framework

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

var inf = math.Inf(1)

func TestBoxContains(t *testing.T) {
	b := NewBox([]float64{-1, 0}, []float64{1, 2})
	open := NewBox([]float64{-inf, -math.MaxFloat32}, []float64{inf, math.MaxFloat32})
	tests := []struct {
		name string
		box  *Box
		x    []float64
		want bool
	}{
		{"inside", b, []float64{0, 1}, true},
		{"on the bounds", b, []float64{-1, 2}, true},
		{"below low", b, []float64{-1.0001, 1}, false},
		{"above high", b, []float64{0, 2.5}, false},
		{"NaN", b, []float64{math.NaN(), 1}, false},
		{"too short", b, []float64{0}, false},
		{"too long", b, []float64{0, 1, 1}, false},
		{"nil", b, nil, false},
		{"unbounded huge", open, []float64{1e300, -1e30}, true},
		{"unbounded infinity", open, []float64{inf, 0}, true},
		{"unbounded NaN", open, []float64{0, math.NaN()}, false},
	}
	for _, tt := range tests {
		if got := tt.box.Contains(tt.x); got != tt.want {
			t.Errorf("%s: %s.Contains(%v) = %v, want %v", tt.name, tt.box, tt.x, got, tt.want)
		}
	}
}

func TestBoxSample(t *testing.T) {
	tests := []struct {
		name      string
		low, high []float64
	}{
		{"bounded", []float64{-1, 0, 5}, []float64{1, 0.001, 5}},
		{"unbounded", []float64{-inf, -math.MaxFloat32}, []float64{inf, math.MaxFloat32}},
		{"lower bound only", []float64{3}, []float64{inf}},
		{"upper bound only", []float64{-inf}, []float64{-3}},
		{"CartPole", []float64{-4.8, -math.MaxFloat32, -0.41887903, -math.MaxFloat32}, []float64{4.8, math.MaxFloat32, 0.41887903, math.MaxFloat32}},
	}
	for _, tt := range tests {
		b := NewBox(tt.low, tt.high)
		rng := rand.New(rand.NewPCG(1, 2))
		x := make([]float64, b.Dim())
		sum := make([]float64, b.Dim())
		const n = 2000
		for range n {
			b.Sample(rng, x)
			if !b.Contains(x) {
				t.Fatalf("%s: sample %v outside %s", tt.name, x, b)
			}
			for i, v := range x {
				if math.IsInf(v, 0) || float64(float32(v)) != v {
					t.Fatalf("%s: sample value %v is not a finite float32", tt.name, v)
				}
				sum[i] += v
			}
		}
		// Bounded dimensions are uniform: the mean is near the centre.
		for i := range x {
			if !math.IsInf(tt.low[i], 0) && !math.IsInf(tt.high[i], 0) && tt.high[i] < math.MaxFloat32 {
				mid, half := (tt.low[i]+tt.high[i])/2, (tt.high[i]-tt.low[i])/2
				if m := sum[i] / n; math.Abs(m-mid) > 0.1*half+1e-12 {
					t.Errorf("%s: dimension %d mean %v, want about %v", tt.name, i, m, mid)
				}
			}
		}
	}
	// The same stream gives the same samples.
	b := NewBox([]float64{-1, -inf}, []float64{1, inf})
	x, y := make([]float64, 2), make([]float64, 2)
	b.Sample(rand.New(rand.NewPCG(9, 9)), x)
	b.Sample(rand.New(rand.NewPCG(9, 9)), y)
	if x[0] != y[0] || x[1] != y[1] {
		t.Errorf("same seed sampled %v and %v", x, y)
	}
}

func TestDiscreteContains(t *testing.T) {
	d := &Discrete{N: 2}
	s := &Discrete{N: 3, Start: -1}
	tests := []struct {
		space *Discrete
		x     []float64
		want  bool
	}{
		{d, []float64{0}, true},
		{d, []float64{1}, true},
		{d, []float64{2}, false},
		{d, []float64{-1}, false},
		{d, []float64{0.5}, false},
		{d, []float64{math.NaN()}, false},
		{d, []float64{inf}, false},
		{d, nil, false},
		{d, []float64{0, 1}, false},
		{s, []float64{-1}, true},
		{s, []float64{1}, true},
		{s, []float64{2}, false},
		{s, []float64{-2}, false},
	}
	for _, tt := range tests {
		if got := tt.space.Contains(tt.x); got != tt.want {
			t.Errorf("%s.Contains(%v) = %v, want %v", tt.space, tt.x, got, tt.want)
		}
	}
}

func TestDiscreteSampleAndIndex(t *testing.T) {
	d := &Discrete{N: 3, Start: -1}
	rng := rand.New(rand.NewPCG(3, 4))
	seen := map[float64]int{}
	x := make([]float64, 1)
	for range 3000 {
		d.Sample(rng, x)
		if !d.Contains(x) {
			t.Fatalf("sample %v outside %s", x, d)
		}
		seen[x[0]]++
	}
	for _, v := range []float64{-1, 0, 1} {
		if seen[v] < 800 {
			t.Errorf("value %v sampled %d times in 3000", v, seen[v])
		}
	}
	for _, tt := range []struct {
		v    float64
		want int
		ok   bool
	}{{-1, -1, true}, {1, 1, true}, {2, 0, false}, {0.5, 0, false}, {math.NaN(), 0, false}} {
		got, err := d.Index(tt.v)
		if (err == nil) != tt.ok || (tt.ok && got != tt.want) {
			t.Errorf("Index(%v) = %d, %v; want %d, ok=%v", tt.v, got, err, tt.want, tt.ok)
		}
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name  string
		space Space
		want  string // "" for valid, else part of the error
	}{
		{"box", NewBox([]float64{-1, -inf}, []float64{1, inf}), ""},
		{"2x2 box", NewBox([]float64{0, 0, 0, 0}, []float64{1, 1, 1, 1}, 2, 2), ""},
		{"degenerate box", NewBox([]float64{1}, []float64{1}), ""},
		{"low above high", NewBox([]float64{2}, []float64{1}), "bound 0"},
		{"NaN bound", NewBox([]float64{0, math.NaN()}, []float64{1, 1}), "bound 1"},
		{"empty box", &Box{Shape: []int{0}}, "lengths 0 and 0"},
		{"bounds of different lengths", &Box{Low: []float64{0}, High: []float64{1, 2}, Shape: []int{1}}, "lengths 1 and 2"},
		{"shape too small", NewBox([]float64{0, 0, 0}, []float64{1, 1, 1}, 2), "does not hold 3"},
		{"overflowing shape", NewBox([]float64{0, 0, 0, 0}, []float64{1, 1, 1, 1}, 4, 1<<62+1), "does not hold 4"},
		{"shape too large", NewBox([]float64{0, 0}, []float64{1, 1}, 3, 1), "does not hold 2"},
		{"zero dimension", NewBox([]float64{0}, []float64{1}, 1, 0), "non-positive"},
		{"discrete", &Discrete{N: 2}, ""},
		{"discrete with start", &Discrete{N: 1, Start: -5}, ""},
		{"discrete n=0", &Discrete{N: 0}, "n = 0"},
		{"discrete n<0", &Discrete{N: -3}, "n = -3"},
		{"missing", nil, "missing"},
	}
	for _, tt := range tests {
		err := Validate(tt.space)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s: %v", tt.name, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%s: error %v, want one containing %q", tt.name, err, tt.want)
		}
	}
}

func TestSameSpace(t *testing.T) {
	box := NewBox([]float64{-1, -1}, []float64{1, 1})
	tests := []struct {
		name string
		a, b Space
		want bool
	}{
		{"equal boxes", box, NewBox([]float64{-1, -1}, []float64{1, 1}), true},
		{"different low", box, NewBox([]float64{-1, -2}, []float64{1, 1}), false},
		{"different high", box, NewBox([]float64{-1, -1}, []float64{1, 2}), false},
		{"different length", box, NewBox([]float64{-1}, []float64{1}), false},
		{"different shape", NewBox([]float64{0, 0, 0, 0}, []float64{1, 1, 1, 1}), NewBox([]float64{0, 0, 0, 0}, []float64{1, 1, 1, 1}, 2, 2), false},
		{"box and discrete", box, &Discrete{N: 2}, false},
		{"equal discretes", &Discrete{N: 3}, &Discrete{N: 3}, true},
		{"different n", &Discrete{N: 3}, &Discrete{N: 2}, false},
		{"different start", &Discrete{N: 3}, &Discrete{N: 3, Start: 1}, false},
		{"discrete and box", &Discrete{N: 1}, NewBox([]float64{0}, []float64{0}), false},
		{"nil", nil, nil, false},
	}
	for _, tt := range tests {
		if got := SameSpace(tt.a, tt.b); got != tt.want {
			t.Errorf("%s: SameSpace = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestSpaceString(t *testing.T) {
	tests := []struct {
		space Space
		want  string
	}{
		{NewBox([]float64{-1, -2}, []float64{1, 2}), "Box([-1 -2], [1 2], (2,), float32)"},
		{NewBox([]float64{0, 0, 0, 0}, []float64{1, 1, 1, 1}, 2, 2), "Box([0 0 0 0], [1 1 1 1], (2, 2), float32)"},
		{NewBox([]float64{-0.41887903}, []float64{inf}), "Box([-0.418879], [+Inf], (1,), float32)"},
		{&Discrete{N: 2}, "Discrete(2)"},
		{&Discrete{N: 3, Start: -1}, "Discrete(3, start=-1)"},
	}
	for _, tt := range tests {
		if got := tt.space.String(); got != tt.want {
			t.Errorf("String() = %q, want %q", got, tt.want)
		}
	}
}

func TestBoxBoundedAndDim(t *testing.T) {
	tests := []struct {
		box     *Box
		bounded bool
		dim     int
	}{
		{NewBox([]float64{-1, 0}, []float64{1, 2}), true, 2},
		{NewBox([]float64{-inf}, []float64{0}), false, 1},
		{NewBox([]float64{0}, []float64{math.MaxFloat32}), false, 1},
		{NewBox([]float64{0, 0, 0, 0, 0, 0}, []float64{1, 1, 1, 1, 1, 1}, 2, 3), true, 6},
	}
	for _, tt := range tests {
		if tt.box.Bounded() != tt.bounded || tt.box.Dim() != tt.dim {
			t.Errorf("%s: Bounded %v Dim %d, want %v %d", tt.box, tt.box.Bounded(), tt.box.Dim(), tt.bounded, tt.dim)
		}
	}
	if (&Discrete{N: 5}).Dim() != 1 {
		t.Error("a Discrete point is not one value")
	}
}

func TestNewBoxCopiesAndPanics(t *testing.T) {
	low, high := []float64{0}, []float64{1}
	b := NewBox(low, high)
	low[0], high[0] = 5, 6
	if b.Low[0] != 0 || b.High[0] != 1 {
		t.Error("NewBox kept the caller's slices")
	}
	defer func() {
		if recover() == nil {
			t.Error("bounds of different lengths did not panic")
		}
	}()
	NewBox([]float64{0}, []float64{1, 2})
}

func BenchmarkBoxSample(b *testing.B) {
	box := NewBox([]float64{-4.8, -inf, -0.42, -inf}, []float64{4.8, inf, 0.42, inf})
	rng := rand.New(rand.NewPCG(1, 1))
	x := make([]float64, 4)
	for b.Loop() {
		box.Sample(rng, x)
	}
}

func BenchmarkBoxContains(b *testing.B) {
	box := NewBox([]float64{-4.8, -inf, -0.42, -inf}, []float64{4.8, inf, 0.42, inf})
	x := []float64{0.1, 0.2, 0.01, -0.3}
	for b.Loop() {
		box.Contains(x)
	}
}
