//go:build !amd64 || amd64.v3

package adam

func updateVector(c *[7]float64, params, grads, m, v []float64) int { return 0 }

func updateWidths() []int { return []int{0} }

func setUpdateLanes(w int) int { return 0 }
