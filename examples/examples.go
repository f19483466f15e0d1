// Package examples embeds the example match files, so the arena binary
// carries its default match ("arena run" with no file).
package examples

import _ "embed"

// ClassicControl is examples/classic-control.toml, the default match.
//
//go:embed classic-control.toml
var ClassicControl string

// Quick is examples/quick.toml, the small match CI runs.
//
//go:embed quick.toml
var Quick string
