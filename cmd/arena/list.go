package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/smgrnn/arena/agents/smgrnn/spm"
	"github.com/smgrnn/arena/framework"
)

func init() {
	register(&command{
		name:    "list",
		summary: "list built-in envs, teachers, students, strategies, or a match's plugins",
		run:     runList,
	})
}

// listings name what "arena list WHAT" prints.
var listings = []struct {
	what  string
	names func() []string
}{
	{"envs", framework.EnvIDs},
	{"teachers", framework.TeacherNames},
	{"students", framework.StudentKinds},
	{"strategies", spm.Names},
}

func runList(args []string, stdout io.Writer) error {
	fs := newFlags("list [envs|teachers|students|strategies|plugins MATCH]", stdout)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		for _, l := range listings {
			fmt.Fprintf(stdout, "%s: %s\n", l.what, strings.Join(l.names(), ", "))
		}
		return nil
	}
	if pos[0] == "plugins" {
		return listPlugins(pos[1:], stdout)
	}
	var known []string
	for _, l := range listings {
		known = append(known, l.what)
		if l.what == pos[0] {
			for _, n := range l.names() {
				fmt.Fprintln(stdout, n)
			}
			return nil
		}
	}
	return badInput("unknown list %q (known: %s, plugins)", pos[0], strings.Join(known, ", "))
}
