//go:build !amd64 || amd64.v3

package activation

func tanhVector(z []float64) (done int, nans bool) { return 0, false }

func tanhPaths() []tanhPath { return []tanhPath{tanhGeneric} }

func setTanhPath(p tanhPath) tanhPath { return tanhGeneric }

func tanhGradVector(y, d []float64) int { return 0 }
