//go:build !mujoco || !cgo

// Command arena-mujoco is an arena plugin serving Gymnasium's MuJoCo
// environments. This build has no MuJoCo; build it with
//
//	CGO_ENABLED=1 go build -tags mujoco -o bin/arena-mujoco ./envs/mujoco/cmd/arena-mujoco
package main

import (
	"fmt"
	"os"

	"github.com/smgrnn/arena/envs/mujoco"
)

func main() {
	fmt.Fprintln(os.Stderr, "arena-mujoco:", mujoco.ErrNotBuilt)
	os.Exit(2)
}
