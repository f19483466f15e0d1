//go:build !amd64 || amd64.v3

package activation

const vectorTanh = false

func tanhVector(z []float64) int { return 0 }

func setVectorTanh(on bool) bool { return false }
