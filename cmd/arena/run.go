package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/smgrnn/arena/examples"
	"github.com/smgrnn/arena/framework/match"
	"github.com/smgrnn/arena/framework/report"
	"github.com/smgrnn/arena/plugins/host"
)

func init() {
	register(&command{
		name:    "run",
		summary: "run a match file (default: the embedded classic-control match) and print its tables",
		run:     runMatch,
	})
}

func runMatch(args []string, stdout io.Writer) error {
	fs := newFlags("run [FILE]", stdout)
	out := fs.String("out", "", "output folder (default results/<name>-<timestamp>)")
	resume := fs.String("resume", "", "resume the match in this output folder, running only its unfinished runs")
	shard := fs.String("shard", "", "run only shard i of n (\"i/n\", 0 <= i < n)")
	parallel := fs.Int("parallel", 0, "runs at once (default: the match's parallel, else the number of CPUs)")
	format := fs.String("format", "table", "table, markdown or json")
	reps := bootstrapFlag(fs)
	inProcess := fs.Bool("in-process", false, "run every built-in component in this process instead of plugin processes")
	cpuProfile := fs.String("cpuprofile", "", "write this process's CPU profile to `FILE` (plugin processes are not included; see --in-process)")
	memProfile := fs.String("memprofile", "", "write this process's memory profile to `FILE` at the end")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if err := checkFormat(*format); err != nil {
		return err
	}
	if len(pos) > 1 {
		return badInput("run takes at most one match file, got %d arguments", len(pos))
	}
	if *resume != "" && len(pos) == 1 {
		return badInput("give either a match file or --resume DIR, not both")
	}
	if *reps < 0 {
		return badInput("--bootstrap-reps %d: want a positive number", *reps)
	}
	if *parallel < 0 {
		return badInput("--parallel %d: it must be positive", *parallel)
	}
	shardI, shardN, err := parseShard(*shard)
	if err != nil {
		return err
	}

	var m *match.Match
	switch {
	case *resume != "":
		m, err = match.LoadFile(filepath.Join(*resume, "match.toml"))
		if err != nil {
			return badInput("cannot resume %s: %v", *resume, err)
		}
		*out = *resume
	case len(pos) == 1:
		m, err = match.LoadFile(pos[0])
	default:
		m, err = match.Parse(examples.ClassicControl, "classic-control.toml (embedded)")
	}
	if err != nil {
		return asInput(err)
	}
	if *inProcess {
		m.InProcess = true
	}
	if *out == "" {
		// The name is checked again by validation; the folder must stay
		// inside results/ whatever it holds.
		dir, err := match.PathIn("results", fmt.Sprintf("%s-%s", m.Name, time.Now().Format("20060102-150405")))
		if err != nil {
			return badInput("match name %q cannot name an output folder: %v", m.Name, err)
		}
		*out = dir
	}

	prof, err := startProfiles(*cpuProfile, *memProfile)
	if err != nil {
		return err
	}
	h := newHost()
	defer h.Close()
	ctx, interrupted, stop := handleSignals(h)
	defer stop()
	resolver, closeComponents, err := prepareMatchOn(h, m)
	if code := interrupted(); code != 0 {
		fmt.Fprintf(diag, "arena: interrupted before any run started; nothing was written\n")
		return silentFailure{code: code}
	}
	if err != nil {
		return err
	}
	defer closeComponents()

	runs := m.Runs()
	if shardN > 0 {
		runs = match.Shard(runs, shardI, shardN)
	}
	fmt.Fprintf(diag, "arena: match %q: %s (%d envs × %d students × %d seeds%s), output in %s\n",
		m.Name, nRuns(len(runs)), len(m.Envs), len(m.Students), len(m.Seeds), shardNote(shardI, shardN), *out)
	done, err := match.FinishedRuns(*out, m)
	if err != nil {
		return asInput(err)
	}
	skipped := 0
	for _, r := range runs {
		if done[r.ID] {
			skipped++
		}
	}
	display := newDisplay(diag, len(runs), skipped, m.Protocol.EnvSteps)
	sum, err := match.Run(ctx, m, match.Options{
		OutDir: *out, Shard: shardI, Shards: shardN, Parallel: *parallel,
		Resolver: resolver, Events: display,
	})
	display.Close()
	if perr := prof.stop(); perr != nil && err == nil {
		err = perr
	}
	if code := interrupted(); code != 0 || errors.Is(err, context.Canceled) {
		if code == 0 {
			code = 130
		}
		listFailures(sum.Failed)
		fmt.Fprintln(diag, interruptedSummary(sum, *out))
		return silentFailure{code: code}
	}
	if errors.Is(err, match.ErrLocked) {
		return asInput(err)
	}
	if err != nil {
		return err
	}
	if sum.Skipped > 0 {
		verb := "were"
		if sum.Skipped == 1 {
			verb = "was"
		}
		fmt.Fprintf(diag, "arena: %s %s already finished in %s and %s kept\n", nRuns(sum.Skipped), verb, *out, verb)
	}
	// The failures are listed whatever happens to the report (a full
	// disk): they are the match's outcome.
	res, err := writeReport(stdout, *out, *format, report.Settings{BootstrapReps: *reps})
	listFailures(sum.Failed)
	if err != nil {
		return err
	}
	printTiming(diag, res.Runs)
	fmt.Fprintf(diag, "arena: results in %s\n", *out)
	if len(sum.Failed) > 0 {
		return silentFailure{code: 1}
	}
	return nil
}

// interruptedSummary says what an interrupted match did, accounting for
// every run of it, and how to go on.
func interruptedSummary(sum match.Summary, out string) string {
	return fmt.Sprintf("arena: interrupted: of %d runs, %d finished now, %d failed, %d were already done, %d were interrupted or not started; every finished run is in %s; continue with: arena run --resume %s",
		sum.Total, sum.Finished, len(sum.Failed), sum.Skipped, sum.Total-sum.Finished-sum.Skipped-len(sum.Failed), out, out)
}

// writeReport prints the report of an output folder and writes its files
// there; the tables are printed even when the files cannot be written.
func writeReport(stdout io.Writer, out, format string, settings report.Settings) (*report.Results, error) {
	res, err := report.FromDirsWith([]string{out}, settings)
	if err != nil {
		return nil, err
	}
	werr := res.WriteFiles(out)
	if err := res.Print(stdout, format); err != nil {
		return nil, err
	}
	if werr != nil {
		return nil, fmt.Errorf("writing results: %w", werr)
	}
	return res, nil
}

// listFailures prints the runs that failed, one a line.
func listFailures(failed []string) {
	if len(failed) == 0 {
		return
	}
	fmt.Fprintf(diag, "arena: %s failed:\n", nRuns(len(failed)))
	for _, f := range failed {
		fmt.Fprintf(diag, "  %s\n", f)
	}
}

// stopGrace bounds how long a match may take to stop after the first
// signal before arena exits anyway: the plugins are killed at once, and
// runs in this process stop at their next step.
const stopGrace = 5 * time.Second

// handleSignals makes the first SIGINT or SIGTERM stop the match: ctx is
// cancelled and h closed, which kills every plugin, so runs stuck in a
// plugin call end at once. A second signal, or the match not stopping
// within stopGrace, exits at once. interrupted returns the exit status
// the first signal asks for (130 for SIGINT, 143 for SIGTERM), or 0.
func handleSignals(h *host.Host) (ctx context.Context, interrupted func() int, stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	var code atomic.Int32
	go func() {
		var sig os.Signal
		select {
		case sig = <-sigs:
		case <-done:
			return
		}
		code.Store(int32(signalStatus(sig)))
		fmt.Fprintf(diag, "\narena: %s: stopping the match and its plugins (a second signal exits at once)\n", sig)
		cancel()
		go h.Abort()
		select {
		case sig := <-sigs:
			fmt.Fprintf(diag, "arena: %s again: exiting now; every finished run is on disk\n", sig)
			os.Exit(signalStatus(sig))
		case <-time.After(stopGrace):
			fmt.Fprintf(diag, "arena: the match did not stop within %s; exiting now; every finished run is on disk\n", stopGrace)
			os.Exit(int(code.Load()))
		case <-done:
		}
	}()
	var once sync.Once
	return ctx, func() int { return int(code.Load()) }, func() {
		once.Do(func() {
			signal.Stop(sigs)
			close(done)
			cancel()
		})
	}
}

// signalStatus is the shell's exit status for death by sig.
func signalStatus(sig os.Signal) int {
	if s, ok := sig.(syscall.Signal); ok {
		return 128 + int(s)
	}
	return 130
}

func shardNote(i, n int) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprintf(", shard %d/%d", i, n)
}

// parseShard reads "i/n"; "" means no sharding.
func parseShard(s string) (i, n int, err error) {
	if s == "" {
		return 0, 0, nil
	}
	a, b, ok := strings.Cut(s, "/")
	i, err1 := strconv.Atoi(a)
	n, err2 := strconv.Atoi(b)
	if !ok || err1 != nil || err2 != nil || n <= 0 || i < 0 || i >= n {
		return 0, 0, badInput("--shard %q: want i/n with 0 <= i < n, e.g. 0/4", s)
	}
	return i, n, nil
}

func checkFormat(f string) error {
	switch f {
	case "table", "markdown", "json":
		return nil
	}
	return badInput("--format %q: want table, markdown or json", f)
}

// nRuns writes a number of runs: "1 run", "3 runs".
func nRuns(n int) string {
	if n == 1 {
		return "1 run"
	}
	return fmt.Sprintf("%d runs", n)
}
