package graph

import (
	"fmt"
	"math"
)

// Activation is a hidden node's nonlinearity. Every supported one has a
// derivative expressible from its output, so the backward pass needs only
// the stored activations.
type Activation uint8

const (
	// Tanh is the hyperbolic tangent (the default).
	Tanh Activation = iota
	// ReLU is max(0, x).
	ReLU
	// Sigmoid is the logistic function 1/(1+e^-x).
	Sigmoid
)

var activationNames = []string{"tanh", "relu", "sigmoid"}

// ParseActivation converts a setting's name to an Activation.
func ParseActivation(name string) (Activation, error) {
	for i, n := range activationNames {
		if n == name {
			return Activation(i), nil
		}
	}
	return 0, fmt.Errorf("unknown activation %q (known: tanh, relu, sigmoid)", name)
}

// String names the activation as in settings.
func (a Activation) String() string {
	if int(a) < len(activationNames) {
		return activationNames[a]
	}
	return fmt.Sprintf("activation(%d)", a)
}

// Value applies the activation to one number.
func (a Activation) Value(x float64) float64 {
	switch a {
	case ReLU:
		return math.Max(0, x)
	case Sigmoid:
		return 1 / (1 + math.Exp(-x))
	}
	return math.Tanh(x)
}

// apply replaces pre-activations by activations in place.
func (a Activation) apply(z []float64) {
	switch a {
	case ReLU:
		for i, x := range z {
			if x < 0 {
				z[i] = 0
			}
		}
	case Sigmoid:
		for i, x := range z {
			z[i] = 1 / (1 + math.Exp(-x))
		}
	default:
		for i, x := range z {
			z[i] = math.Tanh(x)
		}
	}
}

// backprop multiplies the gradient d with respect to the activations a by
// the activation's derivative, turning it into the gradient with respect
// to the pre-activations.
func (a Activation) backprop(act, d []float64) {
	d = d[:len(act)]
	switch a {
	case ReLU:
		for i, y := range act {
			if y <= 0 {
				d[i] = 0
			}
		}
	case Sigmoid:
		for i, y := range act {
			d[i] *= y * (1 - y)
		}
	default:
		for i, y := range act {
			d[i] *= 1 - y*y
		}
	}
}
