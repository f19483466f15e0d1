package main

// The built-in components register themselves with framework's registries
// when their packages are imported.
import (
	_ "github.com/smgrnn/arena/agents/mlp"
	_ "github.com/smgrnn/arena/agents/smgrnn"
	_ "github.com/smgrnn/arena/agents/sparse"
	_ "github.com/smgrnn/arena/envs"
	_ "github.com/smgrnn/arena/teachers/expert"
)
