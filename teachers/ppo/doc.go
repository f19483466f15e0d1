// Package ppo trains teachers with Proximal Policy Optimization (Schulman
// et al., 2017) and serves them as the teacher "ppo".
//
// Training (Train, TrainVector, TrainWith) follows CleanRL's ppo.py for
// Discrete actions and ppo_continuous_action.py for Box actions step for
// step: collect a rollout from Config.NumEnvs copies, compute GAE
// advantages, then optimise the clipped surrogate objective, the value
// loss and the entropy bonus for a few epochs of shuffled minibatches
// with Adam. Config holds CleanRL's hyperparameters under its names;
// DefaultConfig starts from CleanRL's defaults and applies the tuning an
// environment registered (RegisterTuning; classic.go holds the
// classic-control tasks'). A seed fixes the run bit for bit.
//
// A trained Model is a pair of tanh MLPs (actor and critic, agents/mlp)
// with optional observation normalisation. As a framework.Teacher it acts
// deterministically (the most probable action, or the Gaussian's mean
// clipped to the bounds) and labels states with its class probabilities
// or its Gaussian's mean and standard deviation. Models are saved as JSON
// checkpoints (Load, LoadFile); "ppo" loads the checkpoint shipped for an
// environment (teachers/checkpoints) and "ppo:PATH" a file.
package ppo
