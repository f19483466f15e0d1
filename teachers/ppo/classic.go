package ppo

// The tuned settings of rl-baselines3-zoo for the five classic-control
// tasks, where CleanRL's generic ones learn too slowly for a small budget.
func init() {
	RegisterTuning("CartPole-v1", func(c *Config) {
		// rl-zoo: 8 envs × 32 steps, 20 epochs of one minibatch, γ 0.98,
		// λ 0.8, lr 1e-3 annealed, no entropy bonus.
		c.TotalSteps, c.NumEnvs, c.RolloutSteps, c.Epochs, c.Minibatches = 150_000, 8, 32, 20, 1
		c.LearningRate, c.Gamma, c.Lambda, c.EntCoef = 1e-3, 0.98, 0.8, 0
	})
	RegisterTuning("Acrobot-v1", func(c *Config) {
		// rl-zoo: observation normalisation, 16 envs × 256 steps, 4
		// epochs, λ 0.94, no entropy bonus; 16 minibatches of 256 instead
		// of 64 of 64, to keep the updates cheap.
		c.TotalSteps, c.NumEnvs, c.RolloutSteps, c.Epochs, c.Minibatches = 400_000, 16, 256, 4, 16
		c.LearningRate, c.Lambda, c.EntCoef, c.NormObs = 1e-3, 0.94, 0, true
	})
	RegisterTuning("MountainCar-v0", func(c *Config) {
		// rl-zoo: normalised observations and rewards, 16 envs × 16 steps,
		// 4 epochs, λ 0.98, no entropy bonus, 1M steps; minibatches of 64.
		c.TotalSteps, c.NumEnvs, c.RolloutSteps, c.Epochs, c.Minibatches = 1_000_000, 16, 16, 4, 4
		c.LearningRate, c.Lambda, c.EntCoef, c.NormObs, c.NormReward = 3e-4, 0.98, 0, true, true
	})
	RegisterTuning("MountainCarContinuous-v0", func(c *Config) {
		// After rl-zoo's (γ 0.9999, λ 0.9, a small entropy bonus,
		// normalised observations and rewards) without its gSDE: the
		// initial standard deviation of 1 explores enough to find the flag
		// within the first 100 000 steps.
		c.TotalSteps, c.NumEnvs, c.RolloutSteps, c.Epochs, c.Minibatches = 300_000, 4, 256, 10, 16
		c.LearningRate, c.Gamma, c.Lambda, c.EntCoef, c.NormReward = 3e-4, 0.9999, 0.9, 0.005, true
	})
	RegisterTuning("Pendulum-v1", func(c *Config) {
		// rl-zoo: 4 envs × 1024 steps, 10 epochs, γ 0.9, lr 1e-3,
		// normalised observations and rewards.
		c.NumEnvs, c.RolloutSteps, c.Epochs, c.Minibatches = 4, 1024, 10, 64
		c.LearningRate, c.Gamma, c.Lambda, c.NormReward = 1e-3, 0.9, 0.95, true
	})
}
