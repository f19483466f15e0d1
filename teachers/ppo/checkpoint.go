package ppo

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/smgrnn/arena/agents/activation"
	"github.com/smgrnn/arena/agents/mlp"
	"github.com/smgrnn/arena/framework"
	"github.com/smgrnn/arena/framework/spacejson"
)

// Checkpoint format. A PPO checkpoint is one JSON object:
//
//	{
//	  "format": "arena-ppo",           // identifies the file kind
//	  "version": 1,                    // FormatVersion; others are refused
//	  "env": "CartPole-v1",            // the environment it was trained on
//	  "observation_space": SPACE,      // that environment's spaces, checked
//	  "action_space": SPACE,           //   against the one it is loaded for
//	  "activation": "tanh",            // hidden nonlinearity
//	  "actor_sizes": [4, 64, 64, 2],   // layer sizes, input first
//	  "critic_sizes": [4, 64, 64, 1],
//	  "actor": [...],                  // flat parameters in agents/mlp's
//	  "critic": [...],                 //   layout (per layer: weights row
//	                                   //   major out×in, then biases)
//	  "log_std": [...],                // Box action spaces only
//	  "obs_norm": {"mean": [...], "var": [...], "count": N}, // or absent
//	  "training": {...}                // how it was made (informational)
//	}
//
// SPACE is {"type": "Discrete", "n": N, "start": S} or {"type": "Box",
// "low": [...], "high": [...], "shape": [...]}, where an infinite bound is
// the string "inf" or "-inf" (JSON has no infinity). Numbers are written
// with Go's shortest round-trip formatting, so a loaded model computes
// exactly the actions of the saved one. Normalised observations are
// (obs − mean)/sqrt(var + 1e-8), clipped to ±10.
const (
	formatName = "arena-ppo"
	// FormatVersion is the checkpoint format this package writes and reads.
	FormatVersion = 1
)

// TrainingInfo records how a checkpoint was made; loading ignores it.
type TrainingInfo struct {
	Steps        int     `json:"steps"`
	Seed         uint64  `json:"seed"`
	FinalReturn  float64 `json:"final_mean_return,omitempty"`
	Hyperparams  *Config `json:"config,omitempty"`
	ArenaCommand string  `json:"command,omitempty"`
	// Selected says which evaluation chose this model among those made
	// during training, when training evaluated periodically.
	Selected *Selection `json:"selected,omitempty"`
}

// Selection is the periodic evaluation that kept a model: the mean return
// of the deterministic policy over Episodes episodes reset from Seed on,
// after Update updates (Steps environment steps).
type Selection struct {
	Update     int     `json:"update"`
	Steps      int     `json:"steps"`
	Episodes   int     `json:"episodes"`
	Seed       uint64  `json:"seed"`
	MeanReturn float64 `json:"mean_return"`
}

type checkpointJSON struct {
	Format      string           `json:"format"`
	Version     int              `json:"version"`
	Env         string           `json:"env"`
	ObsSpace    *spacejson.Space `json:"observation_space"`
	ActSpace    *spacejson.Space `json:"action_space"`
	Activation  string           `json:"activation"`
	ActorSizes  []int            `json:"actor_sizes"`
	CriticSizes []int            `json:"critic_sizes"`
	Actor       []float64        `json:"actor"`
	Critic      []float64        `json:"critic"`
	LogStd      []float64        `json:"log_std,omitempty"`
	ObsNorm     *ObsNorm         `json:"obs_norm,omitempty"`
	Training    *TrainingInfo    `json:"training,omitempty"`
}

// Save writes the model as a checkpoint (see the format above); info may be
// nil.
func (m *Model) Save(w io.Writer, info *TrainingInfo) error {
	obs, err := spacejson.Encode(m.obsSpace)
	if err != nil {
		return err
	}
	act, err := spacejson.Encode(m.actSpace)
	if err != nil {
		return err
	}
	c := checkpointJSON{
		Format: formatName, Version: FormatVersion, Env: m.env,
		ObsSpace: obs, ActSpace: act, Activation: activation.Tanh.String(),
		ActorSizes: m.actor.Sizes(), CriticSizes: m.critic.Sizes(),
		Actor: m.actor.Params(), Critic: m.critic.Params(),
		LogStd: m.logStd, ObsNorm: m.norm, Training: info,
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", " ")
	if err := enc.Encode(&c); err != nil {
		return fmt.Errorf("write PPO checkpoint: %w", err)
	}
	return nil
}

// SaveFile writes the checkpoint to path atomically: to a temporary file in
// the same directory, renamed over path only once it is complete, so an
// interrupted run never leaves a truncated checkpoint.
func (m *Model) SaveFile(path string, info *TrainingInfo) error {
	var buf bytes.Buffer
	if err := m.Save(&buf, info); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("save PPO checkpoint: %w", err)
	}
	defer os.Remove(tmp.Name()) // fails harmlessly after the rename
	// CreateTemp makes the file private; a checkpoint is an ordinary file.
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return fmt.Errorf("save PPO checkpoint: %w", err)
	}
	if _, err := tmp.Write(buf.Bytes()); err != nil {
		tmp.Close()
		return fmt.Errorf("save PPO checkpoint: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("save PPO checkpoint: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("save PPO checkpoint: %w", err)
	}
	return nil
}

// Load reads a checkpoint for the environment env. It refuses a file that
// is not a PPO checkpoint, has another format version, or was made for
// another environment or other spaces, saying which.
func Load(r io.Reader, env framework.EnvSpec) (*Model, error) {
	var c checkpointJSON
	dec := json.NewDecoder(r)
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("not a valid PPO checkpoint (corrupt JSON: %v)", err)
	}
	if c.Format != formatName {
		return nil, fmt.Errorf("not a PPO checkpoint (format %q, want %q)", c.Format, formatName)
	}
	if c.Version != FormatVersion {
		return nil, fmt.Errorf("PPO checkpoint format version %d is not supported (this arena reads version %d)", c.Version, FormatVersion)
	}
	obs, err := spacejson.Decode(c.ObsSpace)
	if err != nil {
		return nil, fmt.Errorf("PPO checkpoint observation space: %w", err)
	}
	act, err := spacejson.Decode(c.ActSpace)
	if err != nil {
		return nil, fmt.Errorf("PPO checkpoint action space: %w", err)
	}
	var diffs []string
	if !sameSpace(obs, env.ObservationSpace) {
		diffs = append(diffs, fmt.Sprintf("observation space %s there, %s here", obs, env.ObservationSpace))
	}
	if !sameSpace(act, env.ActionSpace) {
		diffs = append(diffs, fmt.Sprintf("action space %s there, %s here", act, env.ActionSpace))
	}
	switch {
	case c.Env != env.ID && len(diffs) > 0:
		return nil, fmt.Errorf("PPO checkpoint was made for %s, not %s (%s)", c.Env, env.ID, strings.Join(diffs, "; "))
	case c.Env != env.ID:
		return nil, fmt.Errorf("PPO checkpoint was made for %s, not %s (the spaces match)", c.Env, env.ID)
	case len(diffs) > 0:
		return nil, fmt.Errorf("PPO checkpoint for %s has other spaces than this %s (%s)", c.Env, env.ID, strings.Join(diffs, "; "))
	}
	if c.Activation != activation.Tanh.String() {
		return nil, fmt.Errorf("PPO checkpoint uses activation %q, only %q is supported", c.Activation, activation.Tanh)
	}
	spec := framework.EnvSpec{ID: c.Env, ObservationSpace: obs, ActionSpace: act}
	if err := checkSpaces(spec); err != nil {
		return nil, fmt.Errorf("PPO checkpoint: %w", err)
	}
	// The env's own spaces from here on: they equal the checkpoint's up to
	// the spelling of unbounded (see sameSpace), and callers compare a
	// teacher's spaces with the env's exactly.
	obs, act = env.ObservationSpace, env.ActionSpace
	m := &Model{env: c.Env, obsSpace: obs, actSpace: act}
	if m.actor, err = loadNet("actor", c.ActorSizes, c.Actor, obs.Dim(), actorOutputs(act)); err != nil {
		return nil, err
	}
	if m.critic, err = loadNet("critic", c.CriticSizes, c.Critic, obs.Dim(), 1); err != nil {
		return nil, err
	}
	m.hidden = c.ActorSizes[1 : len(c.ActorSizes)-1]
	if _, ok := act.(*framework.Box); ok {
		if len(c.LogStd) != act.Dim() {
			return nil, fmt.Errorf("PPO checkpoint has %d log standard deviations for a %d-dimensional action", len(c.LogStd), act.Dim())
		}
		if !allFinite(c.LogStd) {
			return nil, errors.New("PPO checkpoint has a non-finite log standard deviation")
		}
		m.logStd = c.LogStd
	}
	if c.ObsNorm != nil {
		n := c.ObsNorm
		if len(n.Mean) != obs.Dim() || len(n.Var) != obs.Dim() {
			return nil, fmt.Errorf("PPO checkpoint's observation statistics have %d means and %d variances for %d components", len(n.Mean), len(n.Var), obs.Dim())
		}
		if !allFinite(n.Mean) || !allFinite(n.Var) {
			return nil, errors.New("PPO checkpoint's observation statistics are not finite")
		}
		for _, v := range n.Var {
			if v < 0 {
				return nil, errors.New("PPO checkpoint has a negative observation variance")
			}
		}
		m.norm = n
	}
	return m, nil
}

// loadNet rebuilds a network from its sizes and parameters, checking both.
func loadNet(name string, sizes []int, params []float64, in, out int) (*mlp.Network, error) {
	if len(sizes) < 2 || sizes[0] != in || sizes[len(sizes)-1] != out {
		return nil, fmt.Errorf("PPO checkpoint's %s has layer sizes %v, want %d inputs and %d outputs", name, sizes, in, out)
	}
	// The initial values are overwritten; the source only satisfies the
	// constructor.
	net, err := mlp.NewNetwork(sizes, activation.Tanh, randFor(0))
	if err != nil {
		return nil, fmt.Errorf("PPO checkpoint's %s: %w", name, err)
	}
	if len(params) != net.NumParams() {
		return nil, fmt.Errorf("PPO checkpoint's %s has %d parameters, layer sizes %v need %d", name, len(params), sizes, net.NumParams())
	}
	if !allFinite(params) {
		return nil, fmt.Errorf("PPO checkpoint's %s has non-finite parameters", name)
	}
	copy(net.Params(), params)
	return net, nil
}

// LoadFile reads a checkpoint file for env.
func LoadFile(path string, env framework.EnvSpec) (*Model, error) {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("PPO checkpoint %s does not exist", path)
		}
		return nil, fmt.Errorf("open PPO checkpoint: %w", err)
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.IsDir() {
		return nil, fmt.Errorf("PPO checkpoint %s is a directory, not a file", path)
	}
	m, err := Load(f, env)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}

func allFinite(xs []float64) bool {
	for _, x := range xs {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return false
		}
	}
	return true
}

// sameSpace is framework.SameSpace, except that a Box bound of magnitude
// at least float32's maximum equals an infinite one of the same sign:
// Gymnasium wrote "unbounded" as np.finfo(np.float32).max before 1.0 and as
// np.inf since, and a checkpoint should not depend on which was current
// when it was trained.
func sameSpace(a, b framework.Space) bool {
	ab, okA := a.(*framework.Box)
	bb, okB := b.(*framework.Box)
	if !okA || !okB {
		return framework.SameSpace(a, b)
	}
	return framework.SameSpace(unboundedAsInf(ab), unboundedAsInf(bb))
}

func unboundedAsInf(b *framework.Box) *framework.Box {
	c := framework.NewBox(b.Low, b.High, b.Shape...)
	for i := range c.Low {
		if c.Low[i] <= -math.MaxFloat32 {
			c.Low[i] = math.Inf(-1)
		}
		if c.High[i] >= math.MaxFloat32 {
			c.High[i] = math.Inf(1)
		}
	}
	return c
}
