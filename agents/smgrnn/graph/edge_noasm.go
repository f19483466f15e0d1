//go:build !amd64 || amd64.v3

package graph

const edgeAVX2 = false

func setEdgeAVX2(on bool) bool { return false }

func axpyVector(alpha float64, x, y []float64) int { return 0 }

func dotVector(x, y []float64, s *[4]float64) int { return 0 }

func dotAxpyVector(alpha float64, x, y, z []float64, s *[4]float64) int { return 0 }
