// Command arena distills teacher control policies into student networks on
// control benchmarks and ranks the students.
//
// Each subcommand lives in its own file and registers itself in init, so the
// command table below grows without one file every change touches.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/smgrnn/arena/framework"
)

// command is one subcommand: "arena NAME args...".
type command struct {
	name    string
	summary string
	hidden  bool
	// run gets the arguments after the name and writes its output to
	// stdout; errors go to the caller, which prints them in one line.
	run func(args []string, stdout io.Writer) error
}

var commands = framework.Registry[*command]{What: "command"}

// diag receives a command's diagnostics and progress (stderr); run sets it,
// so tests can capture it.
var diag io.Writer = os.Stderr

func register(c *command) { commands.Register(c.name, c) }

// inputError marks bad input: the user gave something wrong. It exits with
// status 2; any other error exits with status 1.
type inputError struct{ err error }

func (e inputError) Error() string { return e.err.Error() }
func (e inputError) Unwrap() error { return e.err }

// badInput returns an inputError with a formatted message.
func badInput(format string, args ...any) error {
	return inputError{fmt.Errorf(format, args...)}
}

// asInput marks err as bad input (nil stays nil).
func asInput(err error) error {
	if err == nil {
		return nil
	}
	return inputError{err}
}

// silentFailure is an error whose message was already printed; it only sets
// the exit status.
type silentFailure struct{ code int }

func (e silentFailure) Error() string { return fmt.Sprintf("exit status %d", e.code) }

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run executes one command line and returns the exit status.
func run(args []string, stdout, stderr io.Writer) (code int) {
	defer func() {
		// A panic is a bug, but the user still gets one line, not a trace.
		if r := recover(); r != nil {
			fmt.Fprintf(stderr, "arena: internal error: %v\n", r)
			code = 3
		}
	}()
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stdout)
		return 0
	}
	diag = stderr
	c, err := commands.Lookup(args[0])
	if err != nil {
		fmt.Fprintf(stderr, "arena: unknown command %q (known: %s)\n", args[0], strings.Join(commandNames(), ", "))
		return 2
	}
	err = c.run(args[1:], stdout)
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return 0
	}
	var sf silentFailure
	if errors.As(err, &sf) {
		return sf.code
	}
	fmt.Fprintf(stderr, "arena %s: %s\n", c.name, framework.OneLine(err.Error()))
	var ie inputError
	if errors.As(err, &ie) {
		return 2
	}
	return 1
}

func commandNames() []string {
	var names []string
	for _, n := range commands.Names() {
		if c, _ := commands.Lookup(n); !c.hidden {
			names = append(names, n)
		}
	}
	return names
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "arena distills teacher control policies into student networks and ranks the students.")
	fmt.Fprintln(w, "\nUsage: arena COMMAND [arguments]\n\nCommands:")
	for _, n := range commandNames() {
		c, _ := commands.Lookup(n)
		fmt.Fprintf(w, "  %-10s %s\n", n, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'arena COMMAND -h' for a command's flags.")
}

// newFlags returns a flag set that reports errors instead of exiting, and
// prints its usage to stdout only when asked for.
func newFlags(name string, stdout io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("arena "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {
		fs.SetOutput(stdout)
		fmt.Fprintf(stdout, "Usage of arena %s:\n", name)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
	}
	return fs
}

// parseFlags parses args, allowing flags after positional arguments
// ("arena env render CartPole-v1 --seed 3"), and returns the positional
// ones. A flag error is bad input; -h prints the usage.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	// The flag package prints the usage on any error; only -h should.
	usage := fs.Usage
	fs.Usage = func() {}
	defer func() { fs.Usage = usage }()
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				usage()
				return nil, err
			}
			return nil, flagError(fs, err)
		}
		args = fs.Args()
		if len(args) == 0 {
			return positional, nil
		}
		if args[0] == "--" {
			return append(positional, args[1:]...), nil
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
}

// flagError turns the flag package's error into one line; an unknown flag
// gets the nearest known one as a suggestion.
func flagError(fs *flag.FlagSet, err error) error {
	const unknown = "flag provided but not defined: "
	msg := err.Error()
	if !strings.HasPrefix(msg, unknown) {
		return badInput("%v", err)
	}
	name := strings.TrimLeft(strings.TrimPrefix(msg, unknown), "-")
	best, bestD := "", 3 // suggest only within two edits
	var known []string
	fs.VisitAll(func(f *flag.Flag) {
		known = append(known, "--"+f.Name)
		if d := editDistance(name, f.Name); d < bestD {
			best, bestD = f.Name, d
		}
	})
	if best != "" {
		return badInput("unknown flag --%s (did you mean --%s?)", name, best)
	}
	return badInput("unknown flag --%s (known: %s)", name, strings.Join(known, ", "))
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
