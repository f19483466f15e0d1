package main

import (
	"errors"
	"os"

	"github.com/hashicorp/go-hclog"

	"github.com/smgrnn/arena/framework/match"
	"github.com/smgrnn/arena/plugins/host"
)

// prepareMatch checks a match before anything runs and returns what makes
// its components — built-ins in plugin processes (or in this process where
// the match says in_process), and the match's third-party plugins — and a
// function that ends every plugin process. A bad plugin declaration
// (missing or not executable, checksum mismatch) or a match that does not
// validate is bad input.
func prepareMatch(m *match.Match) (match.Resolver, func(), error) {
	return prepareMatchOn(newHost(), m)
}

// newHost returns a plugin host that leaves signals to its caller, who
// must close it.
func newHost() *host.Host {
	logger := hclog.New(&hclog.LoggerOptions{Name: "arena", Level: hclog.Warn, Output: os.Stderr})
	return host.New(logger, host.Options{NoSignalHandler: true})
}

// prepareMatchOn is prepareMatch on a given host, which it closes on
// failure.
func prepareMatchOn(h *host.Host, m *match.Match) (match.Resolver, func(), error) {
	// What needs no plugin is checked before any plugin starts.
	if err := m.Check(); err != nil {
		h.Close()
		return nil, nil, asInput(err)
	}
	r, err := h.Resolver(m)
	if err != nil {
		h.Close()
		if errors.Is(err, host.ErrBadPlugin) || errors.Is(err, host.ErrChecksum) || errors.Is(err, host.ErrUnknownComponent) {
			return nil, nil, asInput(err)
		}
		return nil, nil, err
	}
	if err := m.Validate(r); err != nil {
		h.Close()
		return nil, nil, asInput(err)
	}
	return r, h.Close, nil
}
