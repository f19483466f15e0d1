//go:build unix

// Package cputime reads the CPU time this process has used. The
// environments' benchmarks report steps per CPU second next to steps per
// wall-clock second, because the machines they run on are often shared:
// wall time then counts the time other processes held the core.
package cputime

import (
	"syscall"
	"time"
)

// Used is the CPU time this process has used, user and system; 0 if the
// system does not say.
func Used() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
