// Command doubleintegrator is an example third-party arena plugin: an
// environment that is not built in, DoubleIntegrator-v0, and the teacher to
// distill from on it, "lqr", a linear-quadratic regulator.
//
// Build it with plain go build and declare it in a match file:
//
//	go build -o doubleintegrator ./examples/plugins/doubleintegrator
//
//	[[plugin]]
//	name = "double-integrator"
//	path = "doubleintegrator"
package main

import (
	"github.com/smgrnn/arena/framework"
	"github.com/smgrnn/arena/plugins/sdk"
)

func main() {
	sdk.Serve(sdk.Components{
		Name:    "double-integrator",
		Version: "1.0.0",
		Envs: map[string]framework.EnvMaker{
			EnvID: func() (framework.Env, error) { return NewEnv(), nil },
		},
		Teachers: map[string]framework.TeacherMaker{
			"lqr": NewLQR,
		},
	})
}
