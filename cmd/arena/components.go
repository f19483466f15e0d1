package main

import (
	"github.com/smgrnn/arena/framework/match"
)

// newResolver returns what makes a match's components, and a function that
// releases them (ends plugin processes).
func newResolver(m *match.Match) (match.Resolver, func(), error) {
	return match.InProcess{}, func() {}, nil
}
