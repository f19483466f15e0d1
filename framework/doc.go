// Package framework holds arena's contracts: spaces, environments, policies,
// teachers and students, and the registries that let the command line find
// them by name.
//
// Every component of a match — built in, or served by a plugin process — is
// used only through these interfaces, so the distillation protocol cannot tell
// an in-process component from one behind gRPC.
//
// Batches are flat, row-major []float64 slices: n observations of an
// observation space with Dim d occupy n*d values, and n actions of an action
// space with Dim k occupy n*k values. A Discrete point is one value holding
// an integer. Observations are float32 in Gymnasium; arena carries them as
// float64 values that are exactly representable as float32.
package framework
