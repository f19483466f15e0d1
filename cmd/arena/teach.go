package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/smgrnn/arena/framework"
	"github.com/smgrnn/arena/framework/rollout"
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
	plugins := addPluginFlag(fs)
	evalEvery := fs.Int("eval-every", 0, "evaluate the deterministic policy every N updates and keep the best model (0: ten times over the run; -1: never, keep the last)")
	evalEpisodes := fs.Int("eval-episodes", 10, "episodes per periodic evaluation, reset from seed 1000000 on (held out from training and from the final evaluation)")
	finalEpisodes := fs.Int("final-episodes", 100, "episodes of the final evaluation of the kept model, reset from seed 0 on as arena eval does (0: none)")
	// Hyperparameters: 0 / "" keeps the environment's default (see
	// ppo.DefaultConfig); they are recorded in the checkpoint.
	const envDefault = " (default: the environment's; --show-config prints them)"
	showConfig := fs.Bool("show-config", false, "print the PPO settings --env would train with, as JSON, and exit (--out not needed)")
	numEnvs := fs.Int("envs", 0, "environment copies stepped together"+envDefault)
	rolloutSteps := fs.Int("rollout", 0, "steps per copy per update"+envDefault)
	epochs := fs.Int("epochs", 0, "optimisation epochs per update"+envDefault)
	minibatches := fs.Int("minibatches", 0, "minibatches per epoch"+envDefault)
	lr := fs.Float64("lr", 0, "Adam learning rate, annealed linearly to 0"+envDefault)
	var ent, gamma, lambda optionalFloat
	fs.Var(&ent, "ent", "entropy bonus coefficient"+envDefault)
	fs.Var(&gamma, "gamma", "discount factor"+envDefault)
	fs.Var(&lambda, "lambda", "GAE lambda"+envDefault)
	initLogStd := optionalFloat{signed: true}
	fs.Var(&initLogStd, "init-log-std", "initial log standard deviation of a continuous action's policy (rl-zoo's log_std_init)"+envDefault)
	hidden := fs.String("hidden", "", "hidden layer widths, comma separated (e.g. 64,64)"+envDefault)
	var normObs, normReward optionalBool
	fs.Var(&normObs, "norm-obs", "normalise observations (true/false)"+envDefault)
	fs.Var(&normReward, "norm-reward", "scale rewards by the running std of the discounted return (true/false)"+envDefault)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	switch {
	case len(pos) > 0:
		return badInput("unexpected argument %q (teach takes only flags)", pos[0])
	case *envID == "":
		return badInput("--env is required (known: %s)", strings.Join(framework.EnvIDs(), ", "))
	case *out == "" && !*showConfig:
		return badInput("--out is required")
	case *steps < 0:
		return badInput("--steps must be positive, got %d", *steps)
	case *evalEvery < -1:
		return badInput("--eval-every must be -1, 0 or positive, got %d", *evalEvery)
	case *evalEpisodes <= 0:
		return badInput("--eval-episodes must be positive, got %d", *evalEpisodes)
	case *finalEpisodes < 0:
		return badInput("--final-episodes must not be negative, got %d", *finalEpisodes)
	}
	src, err := openEnvSource(*plugins)
	if err != nil {
		return err
	}
	defer src.Close()
	env, err := src.MakeEnv(*envID)
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
	setFloat := func(dst *float64, v optionalFloat) {
		if v.set {
			*dst = v.value
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
	setFloat(&cfg.EntCoef, ent)
	setFloat(&cfg.Gamma, gamma)
	setFloat(&cfg.Lambda, lambda)
	setFloat(&cfg.InitLogStd, initLogStd)
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
	if *showConfig {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(cfg)
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
	venv, err := src.MakeVectorEnv(spec.ID, cfg.NumEnvs)
	if err != nil {
		return fmt.Errorf("make %s: %w", spec.ID, err)
	}
	defer venv.Close()
	info := &ppo.TrainingInfo{Seed: cfg.Seed, Hyperparams: &cfg, ArenaCommand: "arena teach " + strings.Join(args, " ")}
	opt := ppo.Options{Progress: progress}
	var best *ppo.Selection
	if *evalEvery >= 0 {
		evalEnv, err := src.MakeVectorEnv(spec.ID, min(*evalEpisodes, evalCopies))
		if err != nil {
			return fmt.Errorf("make %s: %w", spec.ID, err)
		}
		defer evalEnv.Close()
		batch := cfg.NumEnvs * cfg.RolloutSteps
		updates := (cfg.TotalSteps + batch - 1) / batch
		opt.EvalEvery = *evalEvery
		if opt.EvalEvery == 0 {
			opt.EvalEvery = max(updates/10, 1)
		}
		opt.Eval = func(m *ppo.Model, update, steps int) error {
			eps, err := rollout.Evaluate(evalEnv, m, *evalEpisodes, teachEvalSeed)
			if err != nil {
				return err
			}
			sum := rollout.Summarize(eps.Returns)
			kept := ""
			if best == nil || sum.Mean > best.MeanReturn {
				best = &ppo.Selection{Update: update, Steps: steps, Episodes: *evalEpisodes, Seed: teachEvalSeed, MeanReturn: sum.Mean}
				info.Steps, info.Selected = steps, best
				if err := m.SaveFile(*out, info); err != nil {
					return err
				}
				kept = "; best so far, saved"
			}
			fmt.Fprintf(stdout, "eval after update %d (%d steps): return %.2f ± %.2f over %d episodes%s\n",
				update, steps, sum.Mean, sum.Std, *evalEpisodes, kept)
			return nil
		}
	}
	start := time.Now()
	model, res, err := ppo.TrainWith(venv, cfg, opt)
	if err != nil {
		return fmt.Errorf("train PPO on %s: %w", spec.ID, err)
	}
	info.FinalReturn = res.MeanReturn
	if best == nil {
		info.Steps = res.Steps
		if err := model.SaveFile(*out, info); err != nil {
			return err
		}
	} else if best.Update == res.Updates {
		// The last model was the best: record the training's final figures too.
		if err := model.SaveFile(*out, info); err != nil {
			return err
		}
	}
	kept := "the last model"
	if best != nil {
		kept = fmt.Sprintf("the best evaluated model (update %d of %d, %d steps, return %.2f over %d episodes from seed %d)",
			best.Update, res.Updates, best.Steps, best.MeanReturn, best.Episodes, best.Seed)
	}
	if _, err := fmt.Fprintf(stdout, "trained %s for %d steps in %s (mean training return of the last episodes %.1f); saved %s to %s\n",
		spec.ID, res.Steps, time.Since(start).Round(time.Second), res.MeanReturn, kept, *out); err != nil {
		return err
	}
	if *finalEpisodes == 0 {
		return nil
	}
	// The final figures are those of the saved file, as arena eval
	// --policy teacher:ppo:OUT would report them.
	saved, err := ppo.LoadFile(*out, spec)
	if err != nil {
		return err
	}
	finalEnv, err := src.MakeVectorEnv(spec.ID, min(*finalEpisodes, evalCopies))
	if err != nil {
		return fmt.Errorf("make %s: %w", spec.ID, err)
	}
	defer finalEnv.Close()
	eps, err := rollout.Evaluate(finalEnv, saved, *finalEpisodes, 0)
	if err != nil {
		return fmt.Errorf("final evaluation: %w", err)
	}
	sum := rollout.Summarize(eps.Returns)
	_, err = fmt.Fprintf(stdout, "final evaluation of %s: return %.2f ± %.2f (min %.2f, max %.2f), length %.1f, over %d episodes from seed 0\n",
		*out, sum.Mean, sum.Std, sum.Min, sum.Max, rollout.MeanInt(eps.Lengths), *finalEpisodes)
	return err
}

// teachEvalSeed is the first reset seed of teach's periodic evaluations,
// far from the seeds training resets with (Seed+i) and from those of the
// final evaluation and arena eval's default (0 on).
const teachEvalSeed = 1_000_000

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

// optionalFloat is a number flag that may be left unset, so the
// environment's default stands; its help shows no default of its own.
type optionalFloat struct {
	set    bool
	value  float64
	signed bool // negative values are allowed
}

func (f *optionalFloat) String() string {
	if !f.set {
		return ""
	}
	return strconv.FormatFloat(f.value, 'g', -1, 64)
}

func (f *optionalFloat) Set(s string) error {
	v, err := strconv.ParseFloat(s, 64)
	switch {
	case err != nil || math.IsInf(v, 0) || math.IsNaN(v):
		return fmt.Errorf("want a finite number, got %q", s)
	case v < 0 && !f.signed:
		return fmt.Errorf("want a non-negative number, got %q", s)
	}
	f.set, f.value = true, v
	return nil
}

var _ flag.Value = (*optionalFloat)(nil)
