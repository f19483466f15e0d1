//go:build unix

package cputime

import (
	"testing"
	"time"
)

// Used grows while the process computes.
func TestUsedGrows(t *testing.T) {
	start := Used()
	x := 1.0
	for deadline := time.Now().Add(50 * time.Millisecond); time.Now().Before(deadline); {
		for range 1000 {
			x = x*1.0000001 + 1e-9
		}
	}
	if got := Used() - start; got <= 0 {
		t.Errorf("CPU time used over 50 ms of work: %v (x = %v)", got, x)
	}
}
