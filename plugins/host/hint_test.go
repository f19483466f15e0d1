package host

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

func TestMissingExamplePluginSaysHowToBuildIt(t *testing.T) {
	for path, want := range map[string]string{
		"examples/plugins/bin/linear":      "go build -o examples/plugins/bin/linear ./examples/plugins/linear",
		"/src/examples/plugins/bin/linear": "go build -o examples/plugins/bin/linear ./examples/plugins/linear",
		"/opt/plugins/mine":                "",
		filepath.Join(t.TempDir(), "nope"): "",
	} {
		if got := buildHint(path); !strings.Contains(got, want) || (want == "" && got != "") {
			t.Errorf("buildHint(%q) = %q, want it to hold %q", path, got, want)
		}
	}
	h := New(nil, Options{})
	defer h.Close()
	_, err := h.Load(PluginSpec{Name: "linear", Path: filepath.Join(t.TempDir(), "examples", "plugins", "bin", "linear")})
	if !errors.Is(err, ErrBadPlugin) || !strings.Contains(err.Error(), "does not exist; build it first (from the repository's root: go build") {
		t.Errorf("missing example plugin: %v", err)
	}
}
