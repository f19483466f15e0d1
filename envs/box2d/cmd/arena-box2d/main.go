//go:build box2d && cgo

// Command arena-box2d is an arena plugin serving Gymnasium's Box2D
// environments (package box2d) and the landers' expert teacher. Build it
// with
//
//	CGO_ENABLED=1 go build -tags box2d -o bin/arena-box2d ./envs/box2d/cmd/arena-box2d
//
// and give it to arena with --plugin bin/arena-box2d, or a [[plugin]]
// table of a match file.
package main

import (
	"github.com/smgrnn/arena/envs/box2d"
	"github.com/smgrnn/arena/framework"
	"github.com/smgrnn/arena/plugins/sdk"
	"github.com/smgrnn/arena/teachers/expert"
)

func main() {
	envs := map[string]framework.EnvMaker{}
	for _, id := range box2d.IDs() {
		envs[id] = func() (framework.Env, error) { return box2d.New(id) }
	}
	sdk.Serve(sdk.Components{Name: "box2d", Version: "1.0.0", Envs: envs,
		Teachers: map[string]framework.TeacherMaker{"expert": expert.New}})
}
