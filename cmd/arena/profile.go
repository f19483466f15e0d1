package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"

	"github.com/smgrnn/arena/framework/atomicfile"
)

// profiler writes the CPU and heap profiles of arena run (--cpuprofile,
// --memprofile) in the format of go test's flags of the same names, for
// go tool pprof. Each file is written once, atomically, when the match
// ends; a folder that does not exist is refused before the match starts.
type profiler struct {
	cpuPath, memPath string
	cpu              bytes.Buffer
}

// startProfiles checks both paths and starts CPU profiling when asked.
func startProfiles(cpuPath, memPath string) (*profiler, error) {
	p := &profiler{cpuPath: cpuPath, memPath: memPath}
	for _, f := range []struct{ flag, path string }{{"--cpuprofile", cpuPath}, {"--memprofile", memPath}} {
		if f.path == "" {
			continue
		}
		dir := filepath.Dir(f.path)
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			return nil, badInput("%s %s: folder %s does not exist", f.flag, f.path, dir)
		}
	}
	if cpuPath != "" && memPath != "" && filepath.Clean(cpuPath) == filepath.Clean(memPath) {
		return nil, badInput("--cpuprofile and --memprofile name the same file %s", cpuPath)
	}
	if cpuPath != "" {
		if err := pprof.StartCPUProfile(&p.cpu); err != nil {
			return nil, fmt.Errorf("--cpuprofile: %w", err)
		}
	}
	return p, nil
}

// stop ends CPU profiling and writes both profiles. The heap profile is
// taken after a garbage collection, as go test -memprofile does; it holds
// every allocation of the run (alloc_space, alloc_objects) and what was
// still live at the end (inuse_space).
func (p *profiler) stop() error {
	if p.cpuPath != "" {
		pprof.StopCPUProfile()
		if err := atomicfile.Write(p.cpuPath, p.cpu.Bytes()); err != nil {
			return fmt.Errorf("--cpuprofile: %w", err)
		}
		fmt.Fprintf(diag, "arena: CPU profile in %s (go tool pprof %s)\n", p.cpuPath, p.cpuPath)
	}
	if p.memPath != "" {
		runtime.GC()
		var buf bytes.Buffer
		if err := pprof.WriteHeapProfile(&buf); err != nil {
			return fmt.Errorf("--memprofile: %w", err)
		}
		if err := atomicfile.Write(p.memPath, buf.Bytes()); err != nil {
			return fmt.Errorf("--memprofile: %w", err)
		}
		fmt.Fprintf(diag, "arena: memory profile in %s (go tool pprof %s)\n", p.memPath, p.memPath)
	}
	return nil
}
