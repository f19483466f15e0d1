// Package activation holds the hidden-layer nonlinearities of arena's
// student networks (agents/mlp and agents/smgrnn), defined once so every
// network computes them alike.
//
// Every activation's derivative is expressed through its output, so a
// backward pass needs only the stored activations. NaN propagates as in
// PyTorch: ReLU(NaN) is NaN and its gradient passes through unchanged,
// so a diverging network shows NaN rather than silently zeroing it.
package activation

import (
	"fmt"
	"math"
	"strings"
)

// Activation is a hidden node's or layer's nonlinearity. The zero value is
// Tanh, the default.
type Activation uint8

const (
	// Tanh is the hyperbolic tangent (the default).
	Tanh Activation = iota
	// ReLU is max(0, x) as math.Max computes it: NaN stays NaN, −0 and
	// every negative number become +0.
	ReLU
	// Sigmoid is the logistic function 1/(1+e^−x).
	Sigmoid
)

var names = [...]string{Tanh: "tanh", ReLU: "relu", Sigmoid: "sigmoid"}

// All lists the activations, the default first.
func All() []Activation { return []Activation{Tanh, ReLU, Sigmoid} }

// Parse converts a setting's name ("tanh", "relu", "sigmoid") to an
// Activation.
func Parse(name string) (Activation, error) {
	for i, n := range names {
		if n == name {
			return Activation(i), nil
		}
	}
	return 0, fmt.Errorf("unknown activation %q (known: %s)", name, strings.Join(names[:], ", "))
}

// String names the activation as in settings.
func (a Activation) String() string {
	if int(a) < len(names) {
		return names[a]
	}
	return fmt.Sprintf("activation(%d)", a)
}

// MarshalText writes the activation's name, so files hold "tanh", not 0.
func (a Activation) MarshalText() ([]byte, error) {
	if int(a) >= len(names) {
		return nil, fmt.Errorf("unknown activation %d", a)
	}
	return []byte(names[a]), nil
}

// UnmarshalText reads an activation's name.
func (a *Activation) UnmarshalText(b []byte) error {
	v, err := Parse(string(b))
	if err != nil {
		return err
	}
	*a = v
	return nil
}

// Value applies the activation to one number.
func (a Activation) Value(x float64) float64 {
	switch a {
	case ReLU:
		if x <= 0 {
			return 0
		}
		return x
	case Sigmoid:
		return 1 / (1 + math.Exp(-x))
	}
	return math.Tanh(x)
}

// Apply replaces pre-activations by activations in place.
func (a Activation) Apply(z []float64) {
	switch a {
	case ReLU:
		for i, x := range z {
			if x <= 0 {
				z[i] = 0
			}
		}
	case Sigmoid:
		for i, x := range z {
			z[i] = 1 / (1 + math.Exp(-x))
		}
	default:
		tanhInPlace(z)
	}
}

// Backprop multiplies d, the gradient with respect to the activations y,
// by the activation's derivative in place, turning it into the gradient
// with respect to the pre-activations.
func (a Activation) Backprop(y, d []float64) {
	d = d[:len(y)]
	switch a {
	case ReLU:
		for i, v := range y {
			if v <= 0 {
				d[i] = 0
			}
		}
	case Sigmoid:
		for i, v := range y {
			d[i] *= v * (1 - v)
		}
	default:
		for i := tanhGradVector(y, d); i < len(y); i++ {
			v := y[i]
			d[i] *= 1 - v*v
		}
	}
}
