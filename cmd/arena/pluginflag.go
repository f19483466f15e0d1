package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/hashicorp/go-hclog"

	"github.com/smgrnn/arena/framework"
	"github.com/smgrnn/arena/plugins/host"
)

// pluginPaths is the repeatable --plugin PATH flag of the commands that
// take an environment.
type pluginPaths []string

func (p *pluginPaths) String() string { return strings.Join(*p, ",") }

func (p *pluginPaths) Set(s string) error {
	if s == "" {
		return errors.New("empty plugin path")
	}
	*p = append(*p, s)
	return nil
}

// addPluginFlag declares --plugin on fs.
func addPluginFlag(fs *flag.FlagSet) *pluginPaths {
	p := &pluginPaths{}
	fs.Var(p, "plugin", "plugin executable whose environments to use (repeatable); an ID it offers comes from it, any other is built in")
	return p
}

// envSource makes environments: from the first --plugin that offers an ID,
// else built in (in this process). Close ends the plugin processes.
type envSource struct {
	h         *host.Host
	providers []host.Provider
	offers    [][]string
}

// openEnvSource starts each plugin once to learn what it offers. A path
// that is not an executable plugin is bad input.
func openEnvSource(paths []string) (*envSource, error) {
	s := &envSource{}
	if len(paths) == 0 {
		return s, nil
	}
	logger := hclog.New(&hclog.LoggerOptions{Name: "arena", Level: hclog.Warn, Output: os.Stderr})
	s.h = host.New(logger, host.Options{})
	names := map[string]int{}
	for _, path := range paths {
		name := filepath.Base(path)
		if names[name]++; names[name] > 1 {
			name = fmt.Sprintf("%s#%d", name, names[name])
		}
		p, err := s.h.Load(host.PluginSpec{Name: name, Path: path})
		if err != nil {
			s.Close()
			return nil, asInput(fmt.Errorf("--plugin %s: %w", path, err))
		}
		d, err := p.Describe()
		if err != nil {
			s.Close()
			return nil, asInput(fmt.Errorf("--plugin %s: %w", path, err))
		}
		s.providers = append(s.providers, p)
		s.offers = append(s.offers, d.Envs)
	}
	return s, nil
}

// Close ends every plugin process.
func (s *envSource) Close() {
	if s.h != nil {
		s.h.Close()
	}
}

// IDs lists every environment on offer, sorted.
func (s *envSource) IDs() []string {
	ids := framework.EnvIDs()
	for _, o := range s.offers {
		ids = append(ids, o...)
	}
	slices.Sort(ids)
	return slices.Compact(ids)
}

// provider returns the plugin offering id, or nil for a built-in one. An
// ID nobody offers is bad input listing the known ones.
func (s *envSource) provider(id string) (host.Provider, error) {
	for i, o := range s.offers {
		if slices.Contains(o, id) {
			return s.providers[i], nil
		}
	}
	if slices.Contains(framework.EnvIDs(), id) {
		return nil, nil
	}
	return nil, badInput("unknown environment %q (known: %s)", id, strings.Join(s.IDs(), ", "))
}

// Has reports whether some source offers id.
func (s *envSource) Has(id string) bool {
	_, err := s.provider(id)
	return err == nil
}

// MakeEnv makes one environment.
func (s *envSource) MakeEnv(id string) (framework.Env, error) {
	p, err := s.provider(id)
	if err != nil {
		return nil, err
	}
	if p == nil {
		return framework.MakeEnv(id)
	}
	return p.MakeEnv(id)
}

// MakeVectorEnv makes n copies stepped together.
func (s *envSource) MakeVectorEnv(id string, n int) (framework.VectorEnv, error) {
	p, err := s.provider(id)
	if err != nil {
		return nil, err
	}
	if p == nil {
		return framework.MakeVectorEnv(id, n)
	}
	return p.MakeVectorEnv(id, n)
}
