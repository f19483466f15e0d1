package main

import (
	"fmt"
	"io"

	"github.com/smgrnn/arena/framework"
)

// envSubcommands holds "arena env NAME" subcommands; each registers itself
// from its own file.
var envSubcommands = framework.Registry[*command]{What: "env subcommand"}

func registerEnvSubcommand(c *command) { envSubcommands.Register(c.name, c) }

func init() {
	register(&command{
		name:    "env",
		summary: "inspect environments: check-reference, check, render",
		run:     runEnv,
	})
}

func runEnv(args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprintln(stdout, "Usage: arena env SUBCOMMAND [arguments]")
		for _, n := range envSubcommands.Names() {
			c, _ := envSubcommands.Lookup(n)
			fmt.Fprintf(stdout, "  %-16s %s\n", n, c.summary)
		}
		return nil
	}
	c, err := envSubcommands.Lookup(args[0])
	if err != nil {
		return asInput(err)
	}
	return c.run(args[1:], stdout)
}
