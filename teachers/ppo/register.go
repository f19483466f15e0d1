package ppo

import (
	"bytes"
	"fmt"

	"github.com/smgrnn/arena/framework"
	"github.com/smgrnn/arena/teachers/checkpoints"
)

func init() {
	framework.RegisterTeacher("ppo", New)
}

// New is the "ppo" teacher maker: arg "" loads the checkpoint shipped for
// env (embedded in the binary from teachers/checkpoints), arg PATH loads a
// checkpoint file.
func New(env framework.EnvSpec, arg string) (framework.Teacher, error) {
	if arg != "" {
		return LoadFile(arg, env)
	}
	return Shipped(env)
}

// Shipped loads the checkpoint shipped for env, or says for which
// environments there is one.
func Shipped(env framework.EnvSpec) (*Model, error) {
	data, ok := checkpoints.For(env.ID)
	if !ok {
		return nil, fmt.Errorf("%w for %s (shipped: %v; train one with arena teach --env %s --out FILE and use teacher:ppo:FILE)",
			errNoShipped, env.ID, checkpoints.Envs(), env.ID)
	}
	m, err := Load(bytes.NewReader(data), env)
	if err != nil {
		return nil, fmt.Errorf("shipped checkpoint for %s: %w", env.ID, err)
	}
	return m, nil
}
