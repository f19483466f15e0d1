package main

import (
	"fmt"
	"io"
	"sort"
	"strings"
)

// envSubcommands holds "arena env NAME" subcommands; each registers itself
// from its own file.
var envSubcommands = map[string]*command{}

func registerEnvSubcommand(c *command) {
	if _, dup := envSubcommands[c.name]; dup {
		panic("arena: env subcommand " + c.name + " registered twice")
	}
	envSubcommands[c.name] = c
}

func init() {
	register(&command{
		name:    "env",
		summary: "inspect environments: check-reference, check, render",
		run:     runEnv,
	})
}

func runEnv(args []string, stdout io.Writer) error {
	var names []string
	for n := range envSubcommands {
		names = append(names, n)
	}
	sort.Strings(names)
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprintln(stdout, "Usage: arena env SUBCOMMAND [arguments]")
		for _, n := range names {
			fmt.Fprintf(stdout, "  %-16s %s\n", n, envSubcommands[n].summary)
		}
		return nil
	}
	c, ok := envSubcommands[args[0]]
	if !ok {
		return badInput("unknown env subcommand %q (known: %s)", args[0], strings.Join(names, ", "))
	}
	return c.run(args[1:], stdout)
}
