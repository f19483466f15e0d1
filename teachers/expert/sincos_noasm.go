//go:build !amd64 || amd64.v3

package expert

const haveSincosAVX2 = false

func sincosVector(x, sin, cos []float64) int { return 0 }

func setSincosAVX2(on bool) {}
