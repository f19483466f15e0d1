package main

import (
	"flag"
	"io"
	"strings"

	"github.com/smgrnn/arena/framework/report"
	"github.com/smgrnn/arena/framework/stats"
)

func init() {
	register(&command{
		name:    "report",
		summary: "print (and rewrite) the leaderboard of one or more result folders, merging shards",
		run:     runReport,
	})
}

// bootstrapFlag adds --bootstrap-reps, the resamples of every interval.
func bootstrapFlag(fs *flag.FlagSet) *int {
	return fs.Int("bootstrap-reps", stats.DefaultReps,
		"bootstrap resamples of every confidence interval (rliable uses 50000)")
}

func runReport(args []string, stdout io.Writer) error {
	fs := newFlags("report DIR...", stdout)
	format := fs.String("format", "table", "table, markdown or json")
	reps := bootstrapFlag(fs)
	groupBy := fs.String("group-by", "", "also print the runs pooled by these student settings, comma-separated (e.g. hidden,learning_rate for a sweep)")
	out := fs.String("out", "", "also write results.json, runs.csv, leaderboard.md and plots into this folder (default: the first DIR when only one is given)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if err := checkFormat(*format); err != nil {
		return err
	}
	if *reps < 0 {
		return badInput("--bootstrap-reps %d: want a positive number", *reps)
	}
	if *groupBy != "" && *format == "json" {
		return badInput("--group-by prints a table: use it with --format table or markdown")
	}
	if len(pos) == 0 {
		return badInput("report needs at least one result folder")
	}
	res, err := report.FromDirsWith(pos, report.Settings{BootstrapReps: *reps})
	if err != nil {
		return asInput(err)
	}
	dest := *out
	if dest == "" && len(pos) == 1 {
		dest = pos[0]
	}
	if dest != "" {
		if err := res.WriteFiles(dest); err != nil {
			return err
		}
	}
	if err := res.Print(stdout, *format); err != nil {
		return err
	}
	if *groupBy != "" {
		return asInput(res.PrintGroups(stdout, strings.Split(*groupBy, ","), *format == "markdown"))
	}
	return nil
}
