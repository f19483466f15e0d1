package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/smgrnn/arena/framework"
	"github.com/smgrnn/arena/teachers/ppo"
)

func init() {
	register(&command{
		name:    "teach",
		summary: "train a PPO teacher for an environment and save its checkpoint",
		run:     runTeach,
	})
}

func runTeach(args []string, stdout io.Writer) error {
	fs := newFlags("teach", stdout)
	envID := fs.String("env", "", "environment ID (required)")
	out := fs.String("out", "", "checkpoint file to write (required; written atomically)")
	steps := fs.Int("steps", 0, "environment steps to train for (0: the environment's default)")
	seed := fs.Uint64("seed", 0, "seed of the weights, the sampled actions, the minibatches and the resets")
	quiet := fs.Bool("quiet", false, "do not print a progress line per update")
	// Hyperparameters: 0 / "" keeps the environment's default (see
	// ppo.DefaultConfig); they are recorded in the checkpoint.
	numEnvs := fs.Int("envs", 0, "environment copies stepped together")
	rolloutSteps := fs.Int("rollout", 0, "steps per copy per update")
	epochs := fs.Int("epochs", 0, "optimisation epochs per update")
	minibatches := fs.Int("minibatches", 0, "minibatches per epoch")
	lr := fs.Float64("lr", 0, "Adam learning rate (annealed linearly to 0)")
	ent := fs.Float64("ent", -1, "entropy bonus coefficient")
	gamma := fs.Float64("gamma", -1, "discount factor")
	lambda := fs.Float64("lambda", -1, "GAE lambda")
	hidden := fs.String("hidden", "", "hidden layer widths, comma separated (e.g. 64,64)")
	var normObs, normReward optionalBool
	fs.Var(&normObs, "norm-obs", "normalise observations (true/false; default per environment)")
	fs.Var(&normReward, "norm-reward", "scale rewards by the running std of the discounted return (true/false; default per environment)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	switch {
	case len(pos) > 0:
		return badInput("unexpected argument %q (teach takes only flags)", pos[0])
	case *envID == "":
		return badInput("--env is required (known: %s)", strings.Join(framework.EnvIDs(), ", "))
	case *out == "":
		return badInput("--out is required")
	case *steps < 0:
		return badInput("--steps must be positive, got %d", *steps)
	}
	env, err := framework.MakeEnv(*envID)
	if err != nil {
		return asInput(err)
	}
	spec := env.Spec()
	env.Close()
	_, discrete := spec.ActionSpace.(*framework.Discrete)
	cfg := ppo.DefaultConfig(spec.ID, discrete)
	cfg.Seed = *seed
	setInt := func(dst *int, v int) {
		if v != 0 {
			*dst = v
		}
	}
	setFloat := func(dst *float64, v float64) {
		if v >= 0 {
			*dst = v
		}
	}
	setInt(&cfg.TotalSteps, *steps)
	setInt(&cfg.NumEnvs, *numEnvs)
	setInt(&cfg.RolloutSteps, *rolloutSteps)
	setInt(&cfg.Epochs, *epochs)
	setInt(&cfg.Minibatches, *minibatches)
	if *lr != 0 {
		cfg.LearningRate = *lr
	}
	setFloat(&cfg.EntCoef, *ent)
	setFloat(&cfg.Gamma, *gamma)
	setFloat(&cfg.Lambda, *lambda)
	if normObs.set {
		cfg.NormObs = normObs.value
	}
	if normReward.set {
		cfg.NormReward = normReward.value
	}
	if *hidden != "" {
		cfg.Hidden = nil
		for _, f := range strings.Split(*hidden, ",") {
			h, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil {
				return badInput("--hidden %q: %q is not an integer", *hidden, f)
			}
			cfg.Hidden = append(cfg.Hidden, h)
		}
	}
	if err := cfg.Validate(); err != nil {
		return asInput(err)
	}
	// Fail before training, not after, when the checkpoint cannot be
	// written.
	if st, err := os.Stat(filepath.Dir(*out)); err != nil || !st.IsDir() {
		return badInput("--out %s: directory %s does not exist", *out, filepath.Dir(*out))
	}

	var progress io.Writer = stdout
	if *quiet {
		progress = nil
	}
	start := time.Now()
	model, res, err := ppo.Train(spec.ID, cfg, progress)
	if err != nil {
		return fmt.Errorf("train PPO on %s: %w", spec.ID, err)
	}
	info := &ppo.TrainingInfo{Steps: res.Steps, Seed: cfg.Seed, FinalReturn: res.MeanReturn, Hyperparams: &cfg,
		ArenaCommand: "arena teach " + strings.Join(args, " ")}
	if err := model.SaveFile(*out, info); err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "trained %s for %d steps in %s (mean training return of the last episodes %.1f); saved %s\n",
		spec.ID, res.Steps, time.Since(start).Round(time.Second), res.MeanReturn, *out)
	return err
}

// optionalBool is a boolean flag that remembers whether it was given.
type optionalBool struct{ set, value bool }

func (b *optionalBool) String() string {
	if !b.set {
		return "default"
	}
	return strconv.FormatBool(b.value)
}

func (b *optionalBool) Set(s string) error {
	v, err := strconv.ParseBool(s)
	if err != nil {
		return fmt.Errorf("want true or false, got %q", s)
	}
	b.set, b.value = true, v
	return nil
}

// IsBoolFlag lets --norm-obs stand alone for true.
func (b *optionalBool) IsBoolFlag() bool { return true }

var _ flag.Value = (*optionalBool)(nil)
