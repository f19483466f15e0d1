package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// fencedBlocks returns the fenced code blocks of a Markdown text.
func fencedBlocks(md string) []string {
	var blocks []string
	parts := strings.Split(md, "\n```")
	for i := 1; i+1 < len(parts); i += 2 {
		body := parts[i]
		if nl := strings.IndexByte(body, '\n'); nl >= 0 {
			body = body[nl+1:] // drop the info string
		}
		blocks = append(blocks, body)
	}
	return blocks
}

func blockWith(t *testing.T, blocks []string, marker string) string {
	t.Helper()
	for _, b := range blocks {
		if strings.Contains(b, marker) {
			return b
		}
	}
	t.Fatalf("docs/scale-out.md has no code block with %q", marker)
	return ""
}

func mustMatch(t *testing.T, re, text string) []string {
	t.Helper()
	m := regexp.MustCompile(re).FindStringSubmatch(text)
	if m == nil {
		t.Fatalf("docs/scale-out.md: no match for %s in\n%s", re, text)
	}
	return m
}

// shell runs one command line of a recipe as its runner would, in dir.
func shell(t *testing.T, sh, dir, line string, env ...string) {
	t.Helper()
	cmd := exec.Command(sh, "-c", line)
	if sh == "bash" {
		cmd = exec.Command("bash", "-e", "-c", line) // GitHub Actions' run steps
	}
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", line, err, out)
	}
}

// The recipes of docs/scale-out.md run as written, on a small match: the
// GitHub Actions steps in one workspace (download-artifact brings each
// shard back under its own name, so one folder serves both jobs, and
// "go run ./cmd/arena" is the built binary), and the Kubernetes pods'
// shell command with the volumes as local folders. Each merge must equal
// the match run whole.
func TestScaleOutDocRecipes(t *testing.T) {
	bin := builtArena(t)
	data, err := os.ReadFile(filepath.Join("..", "..", "docs", "scale-out.md"))
	if err != nil {
		t.Fatal(err)
	}
	blocks := fencedBlocks(string(data))
	root := t.TempDir()
	// Eight runs: one for each pod of the Kubernetes recipe.
	match := strings.Replace(runTestMatch, "seeds = 1", "seeds = 4", 1)
	matchPath := filepath.Join(root, "match.toml")
	os.WriteFile(matchPath, []byte(match), 0o644)
	whole := filepath.Join(root, "whole")
	if code, _, stderr := runArena("run", matchPath, "--out", whole); code != 0 {
		t.Fatalf("the whole match: exit %d: %s", code, stderr)
	}
	binDir := filepath.Join(root, "bin")
	os.Mkdir(binDir, 0o755)
	os.Symlink(bin, filepath.Join(binDir, "arena"))
	shim := "#!/bin/sh\n[ \"$1 $2\" = \"run ./cmd/arena\" ] || { echo \"go shim: unexpected go $*\" >&2; exit 1; }\nshift 2\nexec " + bin + " \"$@\"\n"
	os.WriteFile(filepath.Join(binDir, "go"), []byte(shim), 0o755)
	path := "PATH=" + binDir + string(os.PathListSeparator) + os.Getenv("PATH")
	same := func(label, merged string) {
		t.Helper()
		out, err := exec.Command(bin, "diff", whole, merged).CombinedOutput()
		if err != nil {
			t.Fatalf("%s: the merge differs from the whole match: %v\n%s", label, err, out)
		}
	}

	t.Run("GitHub Actions", func(t *testing.T) {
		gha := blockWith(t, blocks, "matrix:")
		ws := filepath.Join(root, "gha")
		os.Mkdir(ws, 0o755)
		// The workflow's MATCH names the user's match; here it is the
		// small one.
		mustMatch(t, `(?m)^\s+MATCH: \S+$`, gha)
		env := []string{path, "MATCH=" + matchPath, "GITHUB_STEP_SUMMARY=" + filepath.Join(ws, "summary.md")}
		shards := strings.Split(mustMatch(t, `shard: \[([0-9, ]+)\]`, gha)[1], ",")
		runs := regexp.MustCompile(`(?m)^\s+- run: (.+)$`).FindAllStringSubmatch(gha, -1)
		if len(runs) != 2 {
			t.Fatalf("want 2 run steps (shard, report), found %d", len(runs))
		}
		for _, s := range shards {
			shell(t, "bash", ws, strings.ReplaceAll(runs[0][1], "${{ matrix.shard }}", strings.TrimSpace(s)), env...)
		}
		shell(t, "bash", ws, runs[1][1], env...)
		summary, _ := os.ReadFile(filepath.Join(ws, "summary.md"))
		if !strings.Contains(string(summary), "Overall") {
			t.Errorf("the step summary holds no leaderboard:\n%s", summary)
		}
		same("GitHub Actions", filepath.Join(ws, "merged"))
	})

	t.Run("Kubernetes", func(t *testing.T) {
		job := blockWith(t, blocks, "completionMode: Indexed")
		n, _ := strconv.Atoi(mustMatch(t, `completions: (\d+)`, job)[1])
		mustMatch(t, `command: \["/bin/sh", "-c"\]`, job)
		// The pod's args: a plain scalar over several lines, which YAML
		// folds into one line with spaces.
		m := mustMatch(t, `(?s)args:\n(\s+)- (.+?)\n(\s+volumeMounts:)`, job)
		podCmd := strings.Join(strings.Fields(m[2]), " ")
		merge := mustMatch(t, `(?m)^(arena report /results/.+)$`, blockWith(t, blocks, "arena report /results/"))[1]
		vol := filepath.Join(root, "k8s")
		mounts := strings.NewReplacer("/results", filepath.Join(vol, "results"), "/match/", filepath.Join(vol, "match")+"/")
		os.MkdirAll(filepath.Join(vol, "results"), 0o755)
		os.MkdirAll(filepath.Join(vol, "match"), 0o755)
		os.WriteFile(filepath.Join(vol, "match", "match.toml"), []byte(match), 0o644)
		for i := range n {
			shell(t, "/bin/sh", vol, mounts.Replace(podCmd), path, "JOB_COMPLETION_INDEX="+strconv.Itoa(i))
		}
		shell(t, "/bin/sh", vol, mounts.Replace(merge), path)
		same("Kubernetes", filepath.Join(vol, "results", "merged"))
	})
}
