package main

import (
	"encoding/json"
	"fmt"
	"io"

	_ "github.com/smgrnn/arena/envs" // the built-in environments
	"github.com/smgrnn/arena/framework"
	"github.com/smgrnn/arena/framework/rollout"
	_ "github.com/smgrnn/arena/teachers/expert" // teacher:expert
	_ "github.com/smgrnn/arena/teachers/ppo"    // teacher:ppo
)

// evalCopies caps the environment copies eval steps together: enough to
// batch the policy's forward passes, few enough that 100 episodes fill
// whole batches quickly.
const evalCopies = 16

// evalResult is eval's --json output.
type evalResult struct {
	Env        string  `json:"env"`
	Policy     string  `json:"policy"`
	Episodes   int     `json:"episodes"`
	Seed       uint64  `json:"seed"`
	ReturnMean float64 `json:"return_mean"`
	ReturnStd  float64 `json:"return_std"`
	ReturnMin  float64 `json:"return_min"`
	ReturnMax  float64 `json:"return_max"`
	LengthMean float64 `json:"length_mean"`
}

func init() {
	register(&command{
		name:    "eval",
		summary: "measure a policy: mean, std, min, max return over seeded episodes",
		run:     runEval,
	})
}

func runEval(args []string, stdout io.Writer) error {
	fs := newFlags("eval", stdout)
	envID := fs.String("env", "", "environment ID, e.g. CartPole-v1 (required)")
	spec := fs.String("policy", "", "policy: random, teacher:expert, teacher:ppo, teacher:ppo:PATH or student:PATH (a student file of a match's students/ folder) (required)")
	episodes := fs.Int("episodes", 100, "number of episodes; episode i is reset with seed S+i")
	seed := fs.Uint64("seed", 0, "first reset seed S (also seeds the random policy)")
	asJSON := fs.Bool("json", false, "print one JSON object instead of text")
	plugins := addPluginFlag(fs)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	switch {
	case len(pos) > 0:
		return badInput("unexpected argument %q (eval takes only flags)", pos[0])
	case *envID == "":
		return badInput("--env is required (known: %v)", framework.EnvIDs())
	case *spec == "":
		return badInput("--policy is required (random, teacher:expert, teacher:ppo, teacher:ppo:PATH)")
	case *episodes <= 0:
		return badInput("--episodes must be positive, got %d", *episodes)
	}
	src, err := openEnvSource(*plugins)
	if err != nil {
		return err
	}
	defer src.Close()
	if _, err := src.provider(*envID); err != nil {
		return err
	}
	venv, err := src.MakeVectorEnv(*envID, min(*episodes, evalCopies))
	if err != nil {
		return fmt.Errorf("make %s: %w", *envID, err)
	}
	defer venv.Close()
	policy, err := policyFromSpec(*spec, venv.Spec(), *seed)
	if err != nil {
		// Unknown policies and unusable checkpoints are the user's input.
		return asInput(err)
	}
	eps, err := rollout.Evaluate(venv, policy, *episodes, *seed)
	if err != nil {
		return fmt.Errorf("evaluate %s on %s: %w", *spec, *envID, err)
	}
	sum := rollout.Summarize(eps.Returns)
	res := evalResult{
		Env: *envID, Policy: *spec, Episodes: *episodes, Seed: *seed,
		ReturnMean: sum.Mean, ReturnStd: sum.Std, ReturnMin: sum.Min, ReturnMax: sum.Max,
		LengthMean: rollout.MeanInt(eps.Lengths),
	}
	if *asJSON {
		b, err := json.Marshal(res)
		if err != nil {
			return fmt.Errorf("encode result: %w", err)
		}
		_, err = fmt.Fprintf(stdout, "%s\n", b)
		return err
	}
	_, err = fmt.Fprintf(stdout, "%s on %s, %d episodes from seed %d:\n  return %.2f ± %.2f (min %.2f, max %.2f)\n  length %.1f\n",
		res.Policy, res.Env, res.Episodes, res.Seed, res.ReturnMean, res.ReturnStd, res.ReturnMin, res.ReturnMax, res.LengthMean)
	return err
}
