//go:build !box2d || !cgo

// Command arena-box2d is an arena plugin serving Gymnasium's Box2D
// environments. This build has no Box2D; build it with
//
//	CGO_ENABLED=1 go build -tags box2d -o bin/arena-box2d ./envs/box2d/cmd/arena-box2d
package main

import (
	"fmt"
	"os"

	"github.com/smgrnn/arena/envs/box2d"
)

func main() {
	fmt.Fprintln(os.Stderr, "arena-box2d:", box2d.ErrNotBuilt)
	os.Exit(2)
}
