package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/smgrnn/arena/envs/reference"
)

func init() {
	registerEnvSubcommand(&command{
		name:    "check-reference",
		summary: "replay recorded Gymnasium data (DIR/*.jsonl) against the Go environments",
		run:     runCheckReference,
	})
}

// runCheckReference implements "arena env check-reference DIR": one line
// per failing record, then "N passed, M failed"; exit status 1 when a
// record failed, 2 when a file is missing or not in the reference format.
// shippedReference is where the repository keeps Gymnasium's recordings.
var shippedReference = filepath.Join("envs", "testdata", "gymnasium")

func runCheckReference(args []string, stdout io.Writer) error {
	fs := newFlags("env check-reference", stdout)
	exact := fs.Bool("exact", false, "compare observations and states bit for bit instead of within the reference tolerance")
	fs.Usage = func() {
		fmt.Fprintln(stdout, "Usage: arena env check-reference [DIR] [--exact]")
		fmt.Fprintf(stdout, "Replays DIR/%s, DIR/%s and DIR/%s (Gymnasium's recorded\n", reference.PCG64File, reference.ResetsFile, reference.TrajectoriesFile)
		fmt.Fprintln(stdout, "seeding, resets and episodes) and prints each record that differs.")
		fmt.Fprintf(stdout, "Without DIR, the recordings shipped in the repository (%s).\n", shippedReference)
		fs.SetOutput(stdout)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
	}
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 1 {
		return badInput("env check-reference takes one directory, got %d arguments", len(pos))
	}
	if len(pos) == 0 {
		if _, err := os.Stat(shippedReference); err != nil {
			return badInput("no reference folder given, and %s is not here: run from the repository's root or give the folder", shippedReference)
		}
		pos = []string{shippedReference}
	}
	tol := reference.DefaultTolerance
	if *exact {
		tol = reference.Exact
	}
	results, err := reference.CheckWithin(pos[0], tol)
	if err != nil {
		var fe *reference.FormatError
		if errors.As(err, &fe) {
			return asInput(err)
		}
		return err
	}
	for _, r := range results {
		if !r.Passed {
			fmt.Fprintln(stdout, r)
		}
	}
	passed, failed := reference.Counts(results)
	fmt.Fprintf(stdout, "%d passed, %d failed\n", passed, failed)
	if failed > 0 {
		return silentFailure{code: 1}
	}
	return nil
}
