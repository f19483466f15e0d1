package match

import (
	"strings"
	"testing"
)

// FuzzParse decodes and checks arbitrary match files: neither may panic,
// and a match that passes Check has names and sizes within their bounds.
func FuzzParse(f *testing.F) {
	f.Add(tinyMatch)
	f.Add(strings.Replace(tinyMatch, "seeds = 2", `seeds = [0, 7, 42]`, 1))
	f.Add(tinyMatch + "[[plugin]]\nname = \"p\"\npath = \"./p\"\ncall_timeout = \"90s\"\n")
	f.Add("x = " + strings.Repeat("{a = ", 40) + "1" + strings.Repeat("}", 40))
	f.Add("name = '''\n[[[\n'''\nseeds = \"5\"\n# [[[[\n")
	f.Add("[budget]\nenv_steps = 9223372036854775807\n[distill]\nbatch_size = -1\n")
	f.Fuzz(func(t *testing.T, text string) {
		m, err := Parse(text, "fuzz.toml")
		if err != nil {
			return
		}
		if m.Check() != nil {
			return
		}
		if m.Parallel < 1 || m.Parallel > MaxParallel || len(m.Seeds) == 0 || len(m.Seeds) > maxSeeds {
			t.Fatalf("Check passed parallel %d and %d seeds", m.Parallel, len(m.Seeds))
		}
		if checkName("name", m.Name, false) != nil {
			t.Fatalf("Check passed the name %q", m.Name)
		}
		for _, s := range m.Runs() {
			if _, err := PathIn("runs", s.ID+".json"); err != nil {
				t.Fatalf("run %q of a checked match names no file: %v", s.ID, err)
			}
		}
	})
}
