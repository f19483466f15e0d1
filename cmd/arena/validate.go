package main

import (
	"fmt"
	"io"

	"github.com/smgrnn/arena/framework/match"
)

func init() {
	register(&command{
		name:    "validate",
		summary: "check a match file without running it",
		run:     runValidate,
	})
}

func runValidate(args []string, stdout io.Writer) error {
	fs := newFlags("validate FILE", stdout)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return badInput("validate needs one match file")
	}
	m, err := match.LoadFile(pos[0])
	if err != nil {
		return asInput(err)
	}
	_, closeComponents, err := prepareMatch(m)
	if err != nil {
		return err
	}
	defer closeComponents()
	fmt.Fprintf(stdout, "%s: match %q is valid: %s (%d envs × %d students × %d seeds), %d env steps each\n",
		pos[0], m.Name, nRuns(len(m.Runs())), len(m.Envs), len(m.Students), len(m.Seeds), m.Protocol.EnvSteps)
	return nil
}
