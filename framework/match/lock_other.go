//go:build !unix

package match

import "os"

// lockExclusive does nothing where there is no flock: there, two runs into
// one folder are not prevented.
func lockExclusive(f *os.File) error { return nil }

func unlockFile(f *os.File) {}
