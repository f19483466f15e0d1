package match

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// lockFile, in an output folder, is held by the arena run writing into it.
const lockFile = ".lock"

// ErrLocked says another process is running a match into the folder.
var ErrLocked = errors.New("output folder is in use")

// LockDir takes the output folder dir for this process, so that two runs
// never write into it at once (each would run every run again), and
// returns the function that gives it back. The lock goes with the process,
// so a run killed by SIGKILL leaves no stale lock behind.
func LockDir(dir string) (unlock func(), err error) {
	f, err := os.OpenFile(filepath.Join(dir, lockFile), os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("locking the output folder: %w", err)
	}
	if err := lockExclusive(f); err != nil {
		holder := ""
		if b, rerr := os.ReadFile(f.Name()); rerr == nil {
			if pid, perr := strconv.Atoi(strings.TrimSpace(string(b))); perr == nil {
				holder = fmt.Sprintf(" (process %d)", pid)
			}
		}
		f.Close()
		return nil, fmt.Errorf("%w: another arena run%s is writing into %s; wait for it, or give another --out", ErrLocked, holder, dir)
	}
	f.Truncate(0)
	f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	return func() {
		f.Truncate(0)
		unlockFile(f)
		f.Close()
	}, nil
}
