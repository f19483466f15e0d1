package ppo

// The MuJoCo tasks (served by the arena-mujoco plugin) start from CleanRL's
// ppo_continuous_action settings, which DefaultConfig's Box defaults are:
// batches of 2048 transitions (4 copies × 512 steps), 10 epochs of 32
// minibatches, lr 3e-4 annealed, 1M steps, normalised observations; here
// rewards are scaled too, as CleanRL does on MuJoCo.
func init() {
	for _, id := range []string{"Hopper-v5", "HalfCheetah-v5", "Walker2d-v5", "Ant-v5"} {
		RegisterTuning(id, func(c *Config) { c.NormReward = true })
	}
	// The pendulums are learnt well within 200 000 steps, Reacher within
	// 500 000.
	RegisterTuning("InvertedPendulum-v5", func(c *Config) { c.TotalSteps, c.NormReward = 200_000, true })
	RegisterTuning("InvertedDoublePendulum-v5", func(c *Config) { c.TotalSteps, c.NormReward = 200_000, true })
	RegisterTuning("Reacher-v5", func(c *Config) { c.TotalSteps, c.NormReward = 500_000, true })
	// rl-zoo's γ 0.9999: Swimmer's reward is slow forward progress, which
	// a shorter horizon does not see.
	RegisterTuning("Swimmer-v5", func(c *Config) { c.Gamma, c.NormReward = 0.9999, true })
}
