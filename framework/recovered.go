package framework

import (
	"fmt"
	"path/filepath"
	"runtime"
	"strings"
)

// Recovered calls f and turns a panic in it into an error naming the panic
// and where it happened, so a component that panics fails its own run, not
// the whole match. Every goroutine that calls into a component (a student,
// teacher or environment) runs the call through it, since a panic ends the
// program from whichever goroutine it happens on.
func Recovered(f func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v (at %s)", r, panicSite())
		}
	}()
	return f()
}

// panicSite names the function and line that panicked: the first frame
// below the runtime's own.
func panicSite() string {
	pcs := make([]uintptr, 32)
	frames := runtime.CallersFrames(pcs[:runtime.Callers(3, pcs)])
	for {
		f, more := frames.Next()
		if !strings.HasPrefix(f.Function, "runtime.") {
			return fmt.Sprintf("%s %s:%d", f.Function, filepath.Base(f.File), f.Line)
		}
		if !more {
			return "unknown"
		}
	}
}
