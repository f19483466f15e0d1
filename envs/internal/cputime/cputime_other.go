//go:build !unix

package cputime

import "time"

// Used is 0 here: CPU time is not measured, and the benchmarks report
// wall-clock rates only.
func Used() time.Duration { return 0 }
