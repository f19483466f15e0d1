// Package pymath computes, to the bit, the few functions Gymnasium's
// classic-control environments get from Python and numpy, where Go's
// math package differs in the last bit: numpy's float64 sin and cos
// (Intel SVML's kernels, NumpySin and NumpyCos) and Python's math.cos and
// x**2 (glibc's cos and pow, Cos and Square). The envs package builds on
// them to reproduce Gymnasium's trajectories exactly; the tests check
// them against values recorded from numpy and Python (envs/testdata).
package pymath
