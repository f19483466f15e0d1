package framework

import (
	"math"
	"strings"
	"testing"
)

func TestAdamValidate(t *testing.T) {
	tests := []struct {
		name string
		set  func(a *Adam)
		key  string // "" means valid
	}{
		{"default", func(a *Adam) {}, ""},
		{"betas zero", func(a *Adam) { a.Beta1, a.Beta2 = 0, 0 }, ""},
		{"no clip", func(a *Adam) { a.GradClip = 0 }, ""},
		{"clip", func(a *Adam) { a.GradClip = 0.5 }, ""},
		{"lr zero", func(a *Adam) { a.LearningRate = 0 }, "learning_rate"},
		{"lr NaN", func(a *Adam) { a.LearningRate = math.NaN() }, "learning_rate"},
		{"lr Inf", func(a *Adam) { a.LearningRate = math.Inf(1) }, "learning_rate"},
		{"beta1 one", func(a *Adam) { a.Beta1 = 1 }, "beta1"},
		{"beta1 NaN", func(a *Adam) { a.Beta1 = math.NaN() }, "beta1"},
		{"beta2 negative", func(a *Adam) { a.Beta2 = -0.1 }, "beta2"},
		{"epsilon zero", func(a *Adam) { a.Epsilon = 0 }, "epsilon"},
		{"epsilon negative", func(a *Adam) { a.Epsilon = -1 }, "epsilon"},
		{"epsilon Inf", func(a *Adam) { a.Epsilon = math.Inf(1) }, "epsilon"},
		{"clip negative", func(a *Adam) { a.GradClip = -1 }, "grad_clip"},
		{"clip Inf", func(a *Adam) { a.GradClip = math.Inf(1) }, "grad_clip"},
	}
	for _, tt := range tests {
		a := DefaultAdam()
		tt.set(&a)
		err := a.Validate()
		switch {
		case tt.key == "" && err != nil:
			t.Errorf("%s: rejected: %v", tt.name, err)
		case tt.key != "" && err == nil:
			t.Errorf("%s: %+v accepted", tt.name, a)
		case tt.key != "" && !strings.HasPrefix(err.Error(), tt.key+" = "):
			t.Errorf("%s: error %q does not start with the setting %q", tt.name, err, tt.key)
		}
	}
}
