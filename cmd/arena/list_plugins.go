package main

import (
	"fmt"
	"io"

	"github.com/smgrnn/arena/framework/match"
)

// listPlugins prints the [[plugin]] entries of a match file.
func listPlugins(args []string, stdout io.Writer) error {
	if len(args) != 1 {
		return badInput("list plugins needs a match file: arena list plugins MATCH.toml")
	}
	m, err := match.LoadFile(args[0])
	if err != nil {
		return asInput(err)
	}
	if len(m.Plugins) == 0 {
		fmt.Fprintf(stdout, "%s declares no plugins\n", args[0])
	}
	for _, p := range m.Plugins {
		fmt.Fprintf(stdout, "%s\t%s\n", p.Name, p.Path)
	}
	return nil
}
