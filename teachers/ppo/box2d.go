package ppo

// The Box2D tasks (served by the arena-box2d plugin) take
// rl-baselines3-zoo's PPO settings.
func init() {
	lander := func(c *Config) {
		// rl-zoo: 16 envs × 1024 steps, 4 epochs of minibatches of 64,
		// γ 0.999, λ 0.98, entropy 0.01, lr 3e-4 (annealed here), no
		// normalisation, 1M steps.
		c.TotalSteps, c.NumEnvs, c.RolloutSteps, c.Epochs, c.Minibatches = 1_000_000, 16, 1024, 4, 256
		c.LearningRate, c.Gamma, c.Lambda, c.EntCoef, c.NormObs = 3e-4, 0.999, 0.98, 0.01, false
	}
	RegisterTuning("LunarLander-v3", lander)
	RegisterTuning("LunarLanderContinuous-v3", lander)
	RegisterTuning("BipedalWalker-v3", func(c *Config) {
		// rl-zoo: normalised observations and rewards, 32 envs × 2048
		// steps, 10 epochs, γ 0.999, λ 0.95, lr 2.5e-4, clip 0.18, no
		// entropy bonus, 5M steps; minibatches of 256 rather than 64, to
		// keep the 5M steps' updates affordable.
		c.TotalSteps, c.NumEnvs, c.RolloutSteps, c.Epochs, c.Minibatches = 5_000_000, 32, 2048, 10, 256
		c.LearningRate, c.Gamma, c.Lambda, c.ClipCoef, c.EntCoef = 2.5e-4, 0.999, 0.95, 0.18, 0
		c.NormObs, c.NormReward = true, true
	})
}
