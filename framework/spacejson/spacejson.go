// Package spacejson is the JSON form of spaces in arena's checkpoint files:
// {"type":"Discrete","n":N,"start":S} or
// {"type":"Box","low":[…],"high":[…],"shape":[…]}, with non-finite numbers
// written as the strings "inf", "-inf" and "nan", which JSON cannot hold.
package spacejson

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"

	"github.com/smgrnn/arena/framework"
)

// Space is the JSON form of a framework.Space.
type Space struct {
	Type  string `json:"type"`
	N     int    `json:"n,omitempty"`
	Start int    `json:"start,omitempty"`
	Low   Floats `json:"low,omitempty"`
	High  Floats `json:"high,omitempty"`
	Shape []int  `json:"shape,omitempty"`
}

// Encode returns the JSON form of a Discrete or Box space.
func Encode(s framework.Space) (*Space, error) {
	switch s := s.(type) {
	case *framework.Discrete:
		return &Space{Type: "Discrete", N: s.N, Start: s.Start}, nil
	case *framework.Box:
		return &Space{Type: "Box", Low: Floats(s.Low), High: Floats(s.High), Shape: append([]int(nil), s.Shape...)}, nil
	}
	return nil, fmt.Errorf("cannot save space %s", s)
}

// Decode returns the space a JSON form describes, checked with
// framework.Validate.
func Decode(j *Space) (framework.Space, error) {
	if j == nil {
		return nil, errors.New("space is missing")
	}
	var s framework.Space
	switch j.Type {
	case "Discrete":
		s = &framework.Discrete{N: j.N, Start: j.Start}
	case "Box":
		if len(j.Low) != len(j.High) {
			return nil, fmt.Errorf("box bounds have lengths %d and %d", len(j.Low), len(j.High))
		}
		s = framework.NewBox(j.Low, j.High, j.Shape...)
	default:
		return nil, fmt.Errorf("unknown space type %q", j.Type)
	}
	if err := framework.Validate(s); err != nil {
		return nil, err
	}
	return s, nil
}

// Floats is a []float64 whose JSON form keeps non-finite values as
// strings. Finite values are written in the shortest form that reads back
// to the same float64, so a round trip is exact.
type Floats []float64

// MarshalJSON implements json.Marshaler.
func (f Floats) MarshalJSON() ([]byte, error) {
	buf := make([]byte, 0, 2+len(f)*24)
	buf = append(buf, '[')
	for i, v := range f {
		if i > 0 {
			buf = append(buf, ',')
		}
		switch {
		case math.IsNaN(v):
			buf = append(buf, `"nan"`...)
		case math.IsInf(v, 1):
			buf = append(buf, `"inf"`...)
		case math.IsInf(v, -1):
			buf = append(buf, `"-inf"`...)
		default:
			buf = strconv.AppendFloat(buf, v, 'g', -1, 64)
		}
	}
	return append(buf, ']'), nil
}

// UnmarshalJSON implements json.Unmarshaler.
func (f *Floats) UnmarshalJSON(b []byte) error {
	var raw []json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	out := make([]float64, len(raw))
	for i, r := range raw {
		switch string(r) {
		case `"nan"`:
			out[i] = math.NaN()
		case `"inf"`:
			out[i] = math.Inf(1)
		case `"-inf"`:
			out[i] = math.Inf(-1)
		default:
			v, err := strconv.ParseFloat(string(r), 64)
			if err != nil {
				return fmt.Errorf("value %d (%.20s) is not a number", i, r)
			}
			out[i] = v
		}
	}
	*f = out
	return nil
}
