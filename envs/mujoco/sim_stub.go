//go:build !mujoco || !cgo

package mujoco

import (
	"errors"

	"github.com/smgrnn/arena/framework"
)

// Available reports whether this build can run MuJoCo (built with the
// mujoco tag and cgo).
const Available = false

// ErrNotBuilt is what New returns in a build without MuJoCo.
var ErrNotBuilt = errors.New("mujoco: this binary was built without MuJoCo (build with CGO_ENABLED=1 -tags mujoco and libmujoco-dev installed)")

// New makes the environment id; without MuJoCo it fails with ErrNotBuilt.
func New(id string) (*Env, error) { return nil, ErrNotBuilt }

// NewVector implements framework.VectorMaker; without MuJoCo it fails.
func (e *Env) NewVector(n int) (framework.VectorEnv, error) { return nil, ErrNotBuilt }
