package main

import (
	"fmt"
	"io"

	_ "github.com/smgrnn/arena/envs" // registers the built-in environments
	"github.com/smgrnn/arena/framework"
	"github.com/smgrnn/arena/framework/envcheck"
)

func init() {
	registerEnvSubcommand(&command{
		name:    "check",
		summary: "check an environment keeps the Env contract (like Gymnasium's check_env)",
		run:     runEnvCheck,
	})
}

// runEnvCheck is "arena env check ID [--seed S]": one line per check, and
// exit status 1 when any fails.
func runEnvCheck(args []string, stdout io.Writer) error {
	fs := newFlags("env check", stdout)
	seed := fs.Uint64("seed", 0, "base seed of the episodes the checks play")
	plugins := addPluginFlag(fs)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return badInput("want one environment ID: arena env check ID [--seed S] [--plugin PATH]")
	}
	id := pos[0]
	src, err := openEnvSource(*plugins)
	if err != nil {
		return err
	}
	defer src.Close()
	if _, err := src.provider(id); err != nil {
		return err
	}
	results := envcheck.CheckWith(func() (framework.Env, error) { return src.MakeEnv(id) }, envcheck.Options{Seed: *seed})
	for _, r := range results {
		fmt.Fprintln(stdout, framework.OneLine(r.String()))
	}
	if n := envcheck.Failed(results); n > 0 {
		fmt.Fprintf(stdout, "%s: %d of %d checks failed\n", id, n, len(results))
		return silentFailure{code: 1}
	}
	fmt.Fprintf(stdout, "%s: all %d checks passed\n", id, len(results))
	return nil
}
