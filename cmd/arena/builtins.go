package main

// The built-in components register themselves with framework's registries
// when their packages are imported. Package box2d's environments live in
// the arena-box2d plugin (they need cgo), but its landers' expert is pure
// Go: importing it lets the built-in "expert" teacher label them.
import (
	_ "github.com/smgrnn/arena/agents/mlp"
	_ "github.com/smgrnn/arena/agents/smgrnn"
	_ "github.com/smgrnn/arena/agents/sparse"
	_ "github.com/smgrnn/arena/envs"
	_ "github.com/smgrnn/arena/envs/box2d"
	_ "github.com/smgrnn/arena/teachers/expert"
)
