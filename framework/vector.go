package framework

import (
	"errors"
	"fmt"
)

// VectorStep is the outcome of one VectorEnv.Step over N copies. Its slices
// belong to the vector environment and are overwritten by the next call.
type VectorStep struct {
	// Obs holds N observations. For a copy whose episode ended at this step
	// it is already the first observation of the next episode (the copy was
	// reset automatically), as in Gymnasium's SAME_STEP autoreset mode.
	Obs []float64
	// Rewards, Terminated and Truncated hold one entry per copy.
	Rewards    []float64
	Terminated []bool
	Truncated  []bool
	// FinalObs holds, for each copy whose episode ended at this step, the
	// last observation of that episode (Gymnasium's info["final_obs"]);
	// rows of other copies are unspecified.
	FinalObs []float64
}

// VectorEnv steps N copies of one environment together.
type VectorEnv interface {
	// Spec describes one copy.
	Spec() EnvSpec
	// NumEnvs is N.
	NumEnvs() int
	// Reset resets every copy; with a seed s, copy i is reset with seed s+i
	// (Gymnasium's vector semantics), with nil each continues its stream.
	// The returned slice belongs to the vector environment.
	Reset(seed *uint64) ([]float64, error)
	// Step applies N actions (N rows of the action space) and resets the
	// copies whose episodes ended.
	Step(actions []float64) (*VectorStep, error)
	// Close closes every copy.
	Close() error
}

// VectorMaker is implemented by environments that step n copies of
// themselves together faster than one by one (in one call into a C
// library, say), with the semantics of a SyncVectorEnv over n lone
// copies. Plugins serve vectors of such an environment through it.
type VectorMaker interface {
	// NewVector makes n fresh copies stepped together; the receiver is
	// left alone.
	NewVector(n int) (VectorEnv, error)
}

// SyncVectorEnv is a VectorEnv that steps its copies one after another in the
// calling goroutine, like gymnasium.vector.SyncVectorEnv in SAME_STEP
// autoreset mode. When every copy is an InPlaceEnv it steps without
// allocating.
type SyncVectorEnv struct {
	envs    []Env
	inPlace []InPlaceEnv
	spec    EnvSpec
	obsDim  int
	actDim  int
	out     VectorStep
	started bool
}

// NewSyncVectorEnv builds a vector environment over the given copies, which
// must share one spec.
func NewSyncVectorEnv(envs []Env) (*SyncVectorEnv, error) {
	if len(envs) == 0 {
		return nil, errors.New("vector env needs at least one copy")
	}
	spec := envs[0].Spec()
	v := &SyncVectorEnv{envs: envs, spec: spec, obsDim: spec.ObservationSpace.Dim(), actDim: spec.ActionSpace.Dim()}
	for i, e := range envs {
		if e.Spec().ID != spec.ID {
			return nil, fmt.Errorf("vector env copy %d is %s, not %s", i, e.Spec().ID, spec.ID)
		}
		if ip, ok := e.(InPlaceEnv); ok {
			v.inPlace = append(v.inPlace, ip)
		}
	}
	if len(v.inPlace) != len(envs) {
		v.inPlace = nil // one copy without the fast path: use Env for all
	}
	n := len(envs)
	v.out = VectorStep{
		Obs:        make([]float64, n*v.obsDim),
		Rewards:    make([]float64, n),
		Terminated: make([]bool, n),
		Truncated:  make([]bool, n),
		FinalObs:   make([]float64, n*v.obsDim),
	}
	return v, nil
}

// MakeVectorEnv makes n copies of a registered environment.
func MakeVectorEnv(id string, n int) (*SyncVectorEnv, error) {
	if n <= 0 {
		return nil, fmt.Errorf("vector env of %s needs a positive number of copies, got %d", id, n)
	}
	envs := make([]Env, n)
	for i := range envs {
		e, err := MakeEnv(id)
		if err != nil {
			for _, made := range envs[:i] {
				made.Close()
			}
			return nil, err
		}
		envs[i] = e
	}
	return NewSyncVectorEnv(envs)
}

// Spec implements VectorEnv.
func (v *SyncVectorEnv) Spec() EnvSpec { return v.spec }

// NumEnvs implements VectorEnv.
func (v *SyncVectorEnv) NumEnvs() int { return len(v.envs) }

// Reset implements VectorEnv.
func (v *SyncVectorEnv) Reset(seed *uint64) ([]float64, error) {
	for i, e := range v.envs {
		var s *uint64
		if seed != nil {
			s = Seed(*seed + uint64(i))
		}
		row := v.out.Obs[i*v.obsDim : (i+1)*v.obsDim]
		if err := v.resetOne(i, e, s, row); err != nil {
			return nil, fmt.Errorf("vector env copy %d: %w", i, err)
		}
	}
	v.started = true
	return v.out.Obs, nil
}

func (v *SyncVectorEnv) resetOne(i int, e Env, seed *uint64, row []float64) error {
	if v.inPlace != nil {
		return v.inPlace[i].ResetInto(seed, row)
	}
	obs, err := e.Reset(seed)
	if err != nil {
		return err
	}
	if len(obs) != len(row) {
		return fmt.Errorf("reset returned %d values, the observation space has %d", len(obs), len(row))
	}
	copy(row, obs)
	return nil
}

// Step implements VectorEnv.
func (v *SyncVectorEnv) Step(actions []float64) (*VectorStep, error) {
	if !v.started {
		return nil, ErrNeedsReset
	}
	if len(actions) != len(v.envs)*v.actDim {
		return nil, fmt.Errorf("vector step got %d action values, want %d copies × %d", len(actions), len(v.envs), v.actDim)
	}
	for i, e := range v.envs {
		a := actions[i*v.actDim : (i+1)*v.actDim]
		row := v.out.Obs[i*v.obsDim : (i+1)*v.obsDim]
		var (
			r          float64
			term, trun bool
			err        error
		)
		if v.inPlace != nil {
			r, term, trun, err = v.inPlace[i].StepInto(a, row)
		} else {
			var st Step
			st, err = e.Step(a)
			if err == nil && len(st.Obs) != len(row) {
				err = fmt.Errorf("step returned %d values, the observation space has %d", len(st.Obs), len(row))
			}
			if err == nil {
				copy(row, st.Obs)
				r, term, trun = st.Reward, st.Terminated, st.Truncated
			}
		}
		if err != nil {
			v.started = false
			return nil, fmt.Errorf("vector env copy %d: %w", i, err)
		}
		v.out.Rewards[i], v.out.Terminated[i], v.out.Truncated[i] = r, term, trun
		if term || trun {
			copy(v.out.FinalObs[i*v.obsDim:(i+1)*v.obsDim], row)
			if err := v.resetOne(i, e, nil, row); err != nil {
				v.started = false
				return nil, fmt.Errorf("vector env copy %d: autoreset: %w", i, err)
			}
		}
	}
	return &v.out, nil
}

// Close implements VectorEnv; it closes every copy and returns the first
// error.
func (v *SyncVectorEnv) Close() error {
	var first error
	for _, e := range v.envs {
		if err := e.Close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}
