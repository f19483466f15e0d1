package ppo

import (
	"errors"
	"fmt"
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
// ppo_continuous_action.py for Box actions), adjusted per environment for
// the five classic-control tasks with the tuned settings of
// rl-baselines3-zoo where CleanRL's generic ones learn too slowly for a
// small budget.
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
	switch envID {
	case "CartPole-v1":
		// rl-zoo: 8 envs × 32 steps, 20 epochs of one minibatch, γ 0.98,
		// λ 0.8, lr 1e-3 annealed, no entropy bonus.
		c.TotalSteps, c.NumEnvs, c.RolloutSteps, c.Epochs, c.Minibatches = 150_000, 8, 32, 20, 1
		c.LearningRate, c.Gamma, c.Lambda, c.EntCoef = 1e-3, 0.98, 0.8, 0
	case "Acrobot-v1":
		// rl-zoo: observation normalisation, 16 envs × 256 steps, 4
		// epochs, λ 0.94, no entropy bonus; 16 minibatches of 256 instead
		// of 64 of 64, to keep the updates cheap.
		c.TotalSteps, c.NumEnvs, c.RolloutSteps, c.Epochs, c.Minibatches = 400_000, 16, 256, 4, 16
		c.LearningRate, c.Lambda, c.EntCoef, c.NormObs = 1e-3, 0.94, 0, true
	case "MountainCar-v0":
		// rl-zoo: normalised observations and rewards, 16 envs × 16 steps,
		// 4 epochs, λ 0.98, no entropy bonus, 1M steps; minibatches of 64.
		c.TotalSteps, c.NumEnvs, c.RolloutSteps, c.Epochs, c.Minibatches = 1_000_000, 16, 16, 4, 4
		c.LearningRate, c.Lambda, c.EntCoef, c.NormObs, c.NormReward = 3e-4, 0.98, 0, true, true
	case "MountainCarContinuous-v0":
		// After rl-zoo's (γ 0.9999, λ 0.9, a small entropy bonus,
		// normalised observations and rewards) without its gSDE: the
		// initial standard deviation of 1 explores enough to find the flag
		// within the first 100 000 steps.
		c.TotalSteps, c.NumEnvs, c.RolloutSteps, c.Epochs, c.Minibatches = 300_000, 4, 256, 10, 16
		c.LearningRate, c.Gamma, c.Lambda, c.EntCoef, c.NormReward = 3e-4, 0.9999, 0.9, 0.005, true
	case "Pendulum-v1":
		// rl-zoo: 4 envs × 1024 steps, 10 epochs, γ 0.9, lr 1e-3,
		// normalised observations and rewards.
		c.NumEnvs, c.RolloutSteps, c.Epochs, c.Minibatches = 4, 1024, 10, 64
		c.LearningRate, c.Gamma, c.Lambda, c.NormReward = 1e-3, 0.9, 0.95, true
	}
	return c
}

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
	}
	for _, h := range c.Hidden {
		if h <= 0 || h > 4096 {
			return fmt.Errorf("hidden layer widths must be in 1..4096, got %v", c.Hidden)
		}
	}
	return nil
}
