package ppo

import (
	"errors"
	"fmt"
	"math"

	"github.com/smgrnn/arena/framework"
)

// Config holds PPO's hyperparameters. The names follow CleanRL's ppo.py.
type Config struct {
	// TotalSteps is the training budget in environment steps (summed over
	// copies); it is rounded up to whole updates.
	TotalSteps int `json:"total_steps"`
	// Seed fixes the initial weights, the sampled actions, the minibatch
	// order and the environments' reset seeds (copy i gets Seed+i).
	Seed uint64 `json:"seed"`
	// NumEnvs copies of the environment step together; RolloutSteps steps
	// of each make one update's batch of NumEnvs·RolloutSteps transitions.
	NumEnvs      int `json:"num_envs"`
	RolloutSteps int `json:"rollout_steps"`
	// Epochs passes over the batch per update, in Minibatches shuffled
	// minibatches each.
	Epochs      int `json:"epochs"`
	Minibatches int `json:"minibatches"`
	// LearningRate for Adam (ε = 1e-5, as in CleanRL), decayed linearly to
	// zero over the run when AnnealLR is set.
	LearningRate float64 `json:"learning_rate"`
	AnnealLR     bool    `json:"anneal_lr"`
	// Gamma discounts rewards; Lambda is GAE's bias–variance trade-off.
	Gamma  float64 `json:"gamma"`
	Lambda float64 `json:"gae_lambda"`
	// ClipCoef bounds the probability ratio in the surrogate objective and,
	// when ClipValueLoss is set, the value function's change per update.
	ClipCoef      float64 `json:"clip_coef"`
	ClipValueLoss bool    `json:"clip_vloss"`
	// EntCoef weights the entropy bonus, VFCoef the value loss.
	EntCoef float64 `json:"ent_coef"`
	VFCoef  float64 `json:"vf_coef"`
	// MaxGradNorm clips the global gradient norm of actor, critic and
	// log-std together.
	MaxGradNorm float64 `json:"max_grad_norm"`
	// NormAdv normalises advantages per minibatch.
	NormAdv bool `json:"norm_adv"`
	// NormObs normalises observations with running statistics, which are
	// saved with the model and frozen after training.
	NormObs bool `json:"norm_obs"`
	// NormReward divides rewards by a running standard deviation of the
	// discounted return (Gymnasium's NormalizeReward, Stable-Baselines3's
	// VecNormalize), which keeps the value targets near unit scale for
	// tasks with large per-step costs such as Pendulum. It changes only
	// training; the model does not see rewards.
	NormReward bool `json:"norm_reward"`
	// Hidden are the hidden layer widths of both networks (tanh).
	Hidden []int `json:"hidden"`
	// InitLogStd is the initial log standard deviation of a Box policy.
	InitLogStd float64 `json:"init_log_std"`
}

// DefaultConfig returns CleanRL's defaults (ppo.py for Discrete actions,
// ppo_continuous_action.py for Box actions), adjusted by the tuning
// registered for envID, if any (RegisterTuning).
func DefaultConfig(envID string, discrete bool) Config {
	c := Config{
		TotalSteps: 500_000, NumEnvs: 4, RolloutSteps: 128, Epochs: 4, Minibatches: 4,
		LearningRate: 2.5e-4, AnnealLR: true, Gamma: 0.99, Lambda: 0.95,
		ClipCoef: 0.2, ClipValueLoss: true, EntCoef: 0.01, VFCoef: 0.5, MaxGradNorm: 0.5,
		NormAdv: true, Hidden: []int{64, 64},
	}
	if !discrete {
		c.TotalSteps, c.NumEnvs, c.RolloutSteps, c.Epochs, c.Minibatches = 1_000_000, 4, 512, 10, 32
		c.LearningRate, c.EntCoef, c.NormObs = 3e-4, 0, true
	}
	if tune, err := tunings.Lookup(envID); err == nil {
		tune(&c)
	}
	return c
}

// tunings holds per-environment adjustments of the defaults, registered by
// the file or package that knows the environment.
var tunings = framework.Registry[func(*Config)]{What: "PPO tuning"}

// RegisterTuning makes tune adjust DefaultConfig's settings for envID
// (after CleanRL's generic defaults are set). A second tuning for one
// environment panics, since that is a programming error.
func RegisterTuning(envID string, tune func(*Config)) { tunings.Register(envID, tune) }

// Validate reports the first setting that cannot work.
func (c *Config) Validate() error {
	switch {
	case c.TotalSteps <= 0:
		return fmt.Errorf("total steps must be positive, got %d", c.TotalSteps)
	case c.NumEnvs <= 0 || c.NumEnvs > 1024:
		return fmt.Errorf("number of environments must be in 1..1024, got %d", c.NumEnvs)
	case c.RolloutSteps <= 0:
		return fmt.Errorf("rollout steps must be positive, got %d", c.RolloutSteps)
	case c.Epochs <= 0:
		return fmt.Errorf("epochs must be positive, got %d", c.Epochs)
	case c.Minibatches <= 0 || c.Minibatches > c.NumEnvs*c.RolloutSteps:
		return fmt.Errorf("minibatches must be in 1..%d (the batch size), got %d", c.NumEnvs*c.RolloutSteps, c.Minibatches)
	case !(c.LearningRate > 0):
		return fmt.Errorf("learning rate must be positive, got %v", c.LearningRate)
	case !(c.Gamma >= 0 && c.Gamma <= 1):
		return fmt.Errorf("gamma must be in [0, 1], got %v", c.Gamma)
	case !(c.Lambda >= 0 && c.Lambda <= 1):
		return fmt.Errorf("GAE lambda must be in [0, 1], got %v", c.Lambda)
	case !(c.ClipCoef > 0):
		return fmt.Errorf("clip coefficient must be positive, got %v", c.ClipCoef)
	case !(c.EntCoef >= 0) || !(c.VFCoef >= 0) || !(c.MaxGradNorm >= 0):
		return errors.New("entropy and value coefficients and the gradient clip must be non-negative")
	case len(c.Hidden) == 0:
		return errors.New("at least one hidden layer is needed")
	case !(math.Abs(c.InitLogStd) <= 20):
		// exp(±20) is already far outside any useful standard deviation.
		return fmt.Errorf("initial log std must be in [-20, 20], got %v", c.InitLogStd)
	}
	for _, h := range c.Hidden {
		if h <= 0 || h > 4096 {
			return fmt.Errorf("hidden layer widths must be in 1..4096, got %v", c.Hidden)
		}
	}
	return nil
}
