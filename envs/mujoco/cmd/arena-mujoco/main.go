//go:build mujoco && cgo

// Command arena-mujoco is an arena plugin serving Gymnasium's MuJoCo
// environments (package mujoco). Build it with
//
//	CGO_ENABLED=1 go build -tags mujoco -o bin/arena-mujoco ./envs/mujoco/cmd/arena-mujoco
//
// and give it to arena with --plugin bin/arena-mujoco, or a [[plugin]]
// table of a match file.
package main

import (
	"github.com/smgrnn/arena/envs/mujoco"
	"github.com/smgrnn/arena/framework"
	"github.com/smgrnn/arena/plugins/sdk"
)

func main() {
	envs := map[string]framework.EnvMaker{}
	for _, id := range mujoco.IDs() {
		envs[id] = func() (framework.Env, error) { return mujoco.New(id) }
	}
	sdk.Serve(sdk.Components{Name: "mujoco", Version: "1.0.0", Envs: envs})
}
