// Package checkpoints embeds the PPO teacher checkpoints shipped with arena,
// one file ENV.json per environment (the format is documented in package
// teachers/ppo), so `teacher:ppo` works without any file on disk.
package checkpoints

import (
	"embed"
	"sort"
	"strings"
)

//go:embed README.md *.json
var files embed.FS

// For returns the shipped checkpoint for an environment ID.
func For(envID string) ([]byte, bool) {
	if strings.ContainsAny(envID, "/\\") {
		return nil, false
	}
	b, err := files.ReadFile(envID + ".json")
	if err != nil {
		return nil, false
	}
	return b, true
}

// Envs lists the environments with a shipped checkpoint, sorted.
func Envs() []string {
	entries, err := files.ReadDir(".")
	if err != nil {
		return nil
	}
	var ids []string
	for _, e := range entries {
		if id, ok := strings.CutSuffix(e.Name(), ".json"); ok {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	return ids
}
