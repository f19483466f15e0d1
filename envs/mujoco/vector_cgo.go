//go:build mujoco && cgo

package mujoco

import (
	"fmt"

	"github.com/smgrnn/arena/framework"
)

// Vector is n copies of one environment stepped together: one cgo call
// steps every copy, with Gymnasium's SyncVectorEnv semantics (copy i
// reset with seed+i, SAME_STEP autoreset, final observations), to the bit
// what a framework.SyncVectorEnv over n lone environments gives.
type Vector struct {
	envs    []*Env
	b       *batch
	size    int
	frames  []float64 // n frames after the step
	ctrl    []float64
	out     framework.VectorStep
	started bool
}

// NewVector implements framework.VectorMaker: n fresh copies of e's
// environment (e itself is left alone).
func (e *Env) NewVector(n int) (framework.VectorEnv, error) { return NewVector(e.t.id, n) }

// NewVector makes n copies of the environment id stepped together.
func NewVector(id string, n int) (*Vector, error) {
	if n <= 0 {
		return nil, fmt.Errorf("vector env of %s needs a positive number of copies, got %d", id, n)
	}
	v := &Vector{}
	sims := make([]*cSim, 0, n)
	for range n {
		e, err := New(id)
		if err != nil {
			v.Close()
			return nil, err
		}
		v.envs = append(v.envs, e)
		sims = append(sims, e.sim.(*cSim))
	}
	m := v.envs[0].m
	v.size = frameSize(m)
	v.frames = make([]float64, n*v.size)
	for i, e := range v.envs {
		e.after = newFrame(m, v.frames[i*v.size:(i+1)*v.size])
	}
	v.b = newBatch(sims)
	dim, k := v.envs[0].dim, m.nu
	v.ctrl = make([]float64, n*k)
	v.out = framework.VectorStep{Obs: make([]float64, n*dim), Rewards: make([]float64, n),
		Terminated: make([]bool, n), Truncated: make([]bool, n), FinalObs: make([]float64, n*dim)}
	return v, nil
}

// Spec implements framework.VectorEnv.
func (v *Vector) Spec() framework.EnvSpec { return v.envs[0].spec }

// NumEnvs implements framework.VectorEnv.
func (v *Vector) NumEnvs() int { return len(v.envs) }

// Reset implements framework.VectorEnv.
func (v *Vector) Reset(seed *uint64) ([]float64, error) {
	dim := v.envs[0].dim
	for i, e := range v.envs {
		var s *uint64
		if seed != nil {
			s = framework.Seed(*seed + uint64(i))
		}
		if err := e.ResetInto(s, v.out.Obs[i*dim:(i+1)*dim]); err != nil {
			return nil, fmt.Errorf("vector env copy %d: %w", i, err)
		}
	}
	v.started = true
	return v.out.Obs, nil
}

// Step implements framework.VectorEnv.
func (v *Vector) Step(actions []float64) (*framework.VectorStep, error) {
	if !v.started {
		return nil, framework.ErrNeedsReset
	}
	e0 := v.envs[0]
	k, dim := e0.m.nu, e0.dim
	if len(actions) != len(v.envs)*k {
		return nil, fmt.Errorf("vector step got %d action values, want %d copies × %d", len(actions), len(v.envs), k)
	}
	for i, e := range v.envs {
		if err := e.takeAction(actions[i*k:(i+1)*k], v.ctrl[i*k:(i+1)*k]); err != nil {
			return nil, fmt.Errorf("vector env copy %d: %w", i, err)
		}
	}
	for _, e := range v.envs {
		copy(e.before.buf, e.after.buf)
	}
	v.b.step(v.ctrl, e0.t.frameSkip, v.frames, v.size)
	for i, e := range v.envs {
		row := v.out.Obs[i*dim : (i+1)*dim]
		r, term, trunc, err := e.finish(&e.before, &e.after, v.ctrl[i*k:(i+1)*k], row, e.terms)
		if err != nil {
			v.started = false
			return nil, fmt.Errorf("vector env copy %d: %w", i, err)
		}
		v.out.Rewards[i], v.out.Terminated[i], v.out.Truncated[i] = r, term, trunc
		if term || trunc {
			copy(v.out.FinalObs[i*dim:(i+1)*dim], row)
			if err := e.ResetInto(nil, row); err != nil {
				v.started = false
				return nil, fmt.Errorf("vector env copy %d: autoreset: %w", i, err)
			}
		}
	}
	return &v.out, nil
}

// Close implements framework.VectorEnv.
func (v *Vector) Close() error {
	if v.b != nil {
		v.b.close()
		v.b = nil
	}
	for _, e := range v.envs {
		e.Close()
	}
	return nil
}
