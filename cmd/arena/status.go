package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/smgrnn/arena/framework/match"
)

func init() {
	register(&command{
		name:    "status",
		summary: "show how far a match spread over result folders (shards) has got",
		run:     runStatus,
	})
}

func runStatus(args []string, stdout io.Writer) error {
	fs := newFlags("status DIR...", stdout)
	asJSON := fs.Bool("json", false, "print the status as JSON")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return badInput("status needs at least one result folder")
	}
	st, err := match.Status(pos)
	if err != nil {
		return asInput(err)
	}
	if *asJSON {
		return printStatusJSON(stdout, st)
	}
	printStatus(stdout, st)
	return nil
}

func printStatus(w io.Writer, st *match.MatchStatus) {
	m := st.Match
	fmt.Fprintf(w, "match %q: %d run(s) (%d envs × %d students × %d seeds)\n\n", m.Name, st.Total, len(m.Envs), len(m.Students), len(m.Seeds))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "folder\tshard\tfinished\tfailed\tnot started")
	for _, f := range st.Folders {
		switch {
		case !f.Exists:
			fmt.Fprintf(tw, "%s\t-\t-\t-\t-\tnot created\n", f.Dir)
		case !f.Known:
			fmt.Fprintf(tw, "%s\t?\t%d\t%d\t?\n", f.Dir, f.Finished, len(f.Failed))
		default:
			fmt.Fprintf(tw, "%s\t%d/%d\t%d\t%d\t%d\n", f.Dir, f.Shard.Index, f.Shard.Count, f.Finished, len(f.Failed), f.NotStarted)
		}
	}
	tw.Flush()
	fmt.Fprintf(w, "\noverall: %d of %d finished, %d failed, %d not started\n", st.Finished, st.Total, len(st.Failed), len(st.NotStarted))
	for _, r := range st.Failed {
		fmt.Fprintf(w, "failed: %s: %s\n", r.ID, r.Error)
	}
	if n := len(st.NotStarted); n > 0 {
		// A match of hundreds of runs would print a screenful of names;
		// the first few say where it stopped, --json lists them all.
		if n > maxListed {
			fmt.Fprintf(w, "not started: %s, … and %d more (--json lists them all)\n", strings.Join(st.NotStarted[:maxListed], ", "), n-maxListed)
		} else {
			fmt.Fprintf(w, "not started: %s\n", strings.Join(st.NotStarted, ", "))
		}
	}
}

// maxListed is the number of unstarted runs the text status names.
const maxListed = 10

// printStatusJSON gives the same facts to scripts.
func printStatusJSON(w io.Writer, st *match.MatchStatus) error {
	type folder struct {
		Dir        string   `json:"dir"`
		Exists     bool     `json:"exists"`
		Shard      string   `json:"shard,omitempty"`
		Finished   int      `json:"finished"`
		Failed     []string `json:"failed"`
		NotStarted *int     `json:"not_started"`
	}
	type failure struct {
		ID    string `json:"id"`
		Error string `json:"error"`
	}
	out := struct {
		Match      string    `json:"match"`
		Total      int       `json:"total"`
		Finished   int       `json:"finished"`
		Failed     []failure `json:"failed"`
		NotStarted []string  `json:"not_started"`
		Folders    []folder  `json:"folders"`
	}{Match: st.Match.Name, Total: st.Total, Finished: st.Finished, Failed: []failure{}, NotStarted: append([]string{}, st.NotStarted...), Folders: []folder{}}
	for _, r := range st.Failed {
		out.Failed = append(out.Failed, failure{r.ID, r.Error})
	}
	for _, f := range st.Folders {
		fo := folder{Dir: f.Dir, Exists: f.Exists, Finished: f.Finished, Failed: []string{}}
		for _, r := range f.Failed {
			fo.Failed = append(fo.Failed, r.ID)
		}
		if f.Known {
			fo.Shard = fmt.Sprintf("%d/%d", f.Shard.Index, f.Shard.Count)
			fo.NotStarted = &f.NotStarted
		}
		out.Folders = append(out.Folders, fo)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
