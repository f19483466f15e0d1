//go:build !amd64 || amd64.v3

package expert

func sincosVector(x, sin, cos []float64) (done int, redo bool) { return 0, false }

func sincosPaths() []sincosPath { return []sincosPath{sincosGeneric} }

func setSincosPath(p sincosPath) sincosPath { return sincosGeneric }
