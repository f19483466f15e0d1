package framework

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
)

// Space describes the set of valid observations or actions, with Gymnasium's
// semantics. A point of a space is a flat []float64 of length Dim().
type Space interface {
	// Dim is the number of float64 values that represent one point.
	Dim() int
	// Contains reports whether x is a point of the space.
	Contains(x []float64) bool
	// Sample writes a uniformly drawn point into dst (len(dst) == Dim()).
	Sample(rng *rand.Rand, dst []float64)
	// String describes the space the way Gymnasium prints it.
	String() string
}

// Box is a (possibly unbounded) box in R^n, like gymnasium.spaces.Box with
// dtype float32. Low and High are flattened in row-major order; Shape gives
// their shape (nil means a vector of len(Low)).
type Box struct {
	Low, High []float64
	Shape     []int
}

// NewBox returns a Box of the given bounds; it panics if they differ in
// length, since that is a programming error in an environment definition.
func NewBox(low, high []float64, shape ...int) *Box {
	if len(low) != len(high) {
		panic(fmt.Sprintf("framework: Box bounds of different lengths %d and %d", len(low), len(high)))
	}
	if len(shape) == 0 {
		shape = []int{len(low)}
	}
	return &Box{Low: append([]float64(nil), low...), High: append([]float64(nil), high...), Shape: shape}
}

// Dim implements Space.
func (b *Box) Dim() int { return len(b.Low) }

// Contains implements Space: x has the right length, every value is a
// number (not NaN) and lies within [Low, High].
func (b *Box) Contains(x []float64) bool {
	if len(x) != len(b.Low) {
		return false
	}
	for i, v := range x {
		if math.IsNaN(v) || v < b.Low[i] || v > b.High[i] {
			return false
		}
	}
	return true
}

// Sample implements Space with Gymnasium's rule per dimension: uniform on a
// bounded interval, shifted exponential on a half-bounded one, standard
// normal on an unbounded one.
func (b *Box) Sample(rng *rand.Rand, dst []float64) {
	for i := range b.Low {
		lo, hi := b.Low[i], b.High[i]
		loInf, hiInf := math.IsInf(lo, -1) || lo <= -math.MaxFloat32, math.IsInf(hi, 1) || hi >= math.MaxFloat32
		var v float64
		switch {
		case loInf && hiInf:
			v = rng.NormFloat64()
		case loInf:
			v = hi - rng.ExpFloat64()
		case hiInf:
			v = lo + rng.ExpFloat64()
		default:
			v = lo + (hi-lo)*rng.Float64()
		}
		dst[i] = float64(float32(v))
		// Rounding to float32 may step just outside a bound.
		dst[i] = math.Min(math.Max(dst[i], lo), hi)
	}
}

// Bounded reports whether every dimension has finite bounds.
func (b *Box) Bounded() bool {
	for i := range b.Low {
		if math.IsInf(b.Low[i], 0) || math.IsInf(b.High[i], 0) || b.Low[i] <= -math.MaxFloat32 || b.High[i] >= math.MaxFloat32 {
			return false
		}
	}
	return true
}

// shape returns Shape, or the vector shape when Shape is nil.
func (b *Box) shape() []int {
	if b.Shape == nil {
		return []int{len(b.Low)}
	}
	return b.Shape
}

// String implements Space, e.g. "Box([-1 -2], [1 2], (2,), float32)".
func (b *Box) String() string {
	bs := b.shape()
	dims := make([]string, len(bs))
	for i, s := range bs {
		dims[i] = fmt.Sprint(s)
	}
	shape := strings.Join(dims, ", ")
	if len(bs) == 1 {
		shape += ","
	}
	return fmt.Sprintf("Box(%s, %s, (%s), float32)", fmtVec(b.Low), fmtVec(b.High), shape)
}

func fmtVec(v []float64) string {
	parts := make([]string, len(v))
	for i, x := range v {
		parts[i] = fmt.Sprintf("%.7g", x)
	}
	return "[" + strings.Join(parts, " ") + "]"
}

// Discrete is the set {Start, Start+1, ..., Start+N-1}, like
// gymnasium.spaces.Discrete. A point is one float64 holding the integer.
type Discrete struct {
	N     int
	Start int
}

// Dim implements Space: a Discrete point is one value.
func (d *Discrete) Dim() int { return 1 }

// Contains implements Space: x is one integer in [Start, Start+N).
func (d *Discrete) Contains(x []float64) bool {
	if len(x) != 1 {
		return false
	}
	v := x[0]
	return v == math.Trunc(v) && v >= float64(d.Start) && v < float64(d.Start+d.N)
}

// Sample implements Space.
func (d *Discrete) Sample(rng *rand.Rand, dst []float64) {
	dst[0] = float64(d.Start + rng.IntN(d.N))
}

// Index converts a point's value to its integer, or says why it is not one.
func (d *Discrete) Index(v float64) (int, error) {
	if v != math.Trunc(v) || v < float64(d.Start) || v >= float64(d.Start+d.N) {
		return 0, fmt.Errorf("action %v is not in %s", v, d)
	}
	return int(v), nil
}

// String implements Space, e.g. "Discrete(2)" or "Discrete(3, start=-1)".
func (d *Discrete) String() string {
	if d.Start != 0 {
		return fmt.Sprintf("Discrete(%d, start=%d)", d.N, d.Start)
	}
	return fmt.Sprintf("Discrete(%d)", d.N)
}

// Validate checks that a space is well formed: positive sizes, bounds of the
// right length with Low <= High and no NaN.
func Validate(s Space) error {
	switch s := s.(type) {
	case *Box:
		if s == nil {
			return fmt.Errorf("space is missing")
		}
		if len(s.Low) == 0 || len(s.Low) != len(s.High) {
			return fmt.Errorf("box bounds have lengths %d and %d", len(s.Low), len(s.High))
		}
		n := 1
		for _, d := range s.shape() {
			if d <= 0 {
				return fmt.Errorf("box shape %v has a non-positive dimension", s.Shape)
			}
			// Checked before multiplying: a product that overflows could
			// wrap round to the number of bounds.
			if d > len(s.Low)/n {
				return fmt.Errorf("box shape %v does not hold %d values", s.Shape, len(s.Low))
			}
			n *= d
		}
		if n != len(s.Low) {
			return fmt.Errorf("box shape %v does not hold %d values", s.Shape, len(s.Low))
		}
		for i := range s.Low {
			if math.IsNaN(s.Low[i]) || math.IsNaN(s.High[i]) || s.Low[i] > s.High[i] {
				return fmt.Errorf("box bound %d is [%v, %v]", i, s.Low[i], s.High[i])
			}
		}
	case *Discrete:
		if s == nil {
			return fmt.Errorf("space is missing")
		}
		if s.N <= 0 {
			return fmt.Errorf("discrete space has n = %d", s.N)
		}
	case nil:
		return fmt.Errorf("space is missing")
	default:
		if s.Dim() <= 0 {
			return fmt.Errorf("space %s has dimension %d", s, s.Dim())
		}
	}
	return nil
}

// SameSpace reports whether two spaces describe the same set. A float32
// Box bound at or beyond ±MaxFloat32 counts as infinite, so a space with
// Gymnasium's old np.finfo(np.float32).max bounds equals one with ±Inf.
func SameSpace(a, b Space) bool {
	switch a := a.(type) {
	case *Box:
		b, ok := b.(*Box)
		if !ok || a == nil || b == nil || len(a.Low) != len(b.Low) {
			return false
		}
		as, bs := a.shape(), b.shape()
		if len(as) != len(bs) {
			return false
		}
		for i := range as {
			if as[i] != bs[i] {
				return false
			}
		}
		for i := range a.Low {
			if bound(a.Low[i]) != bound(b.Low[i]) || bound(a.High[i]) != bound(b.High[i]) {
				return false
			}
		}
		return true
	case *Discrete:
		b, ok := b.(*Discrete)
		return ok && a != nil && b != nil && a.N == b.N && a.Start == b.Start
	}
	return false
}

func bound(v float64) float64 {
	switch {
	case v >= math.MaxFloat32:
		return math.Inf(1)
	case v <= -math.MaxFloat32:
		return math.Inf(-1)
	}
	return v
}
