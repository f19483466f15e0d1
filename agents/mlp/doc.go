// Package mlp is the baseline student: a fully connected network (default
// two hidden layers of 64 tanh units, the usual reinforcement-learning
// default) trained by Adam on the shared distillation heads of package head.
//
// Network is the reusable float64 network (forward and backward over a
// minibatch); Student wraps it with a head and an optimizer and registers
// itself as the student kind "mlp".
package mlp
