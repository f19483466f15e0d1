// Package atomicfile writes files so that a reader, or a crash, never sees
// half of one: data goes to a temporary file in the same folder, which is
// synced and then renamed over the destination.
//
// Files are created with mode 0644 less the umask, as os.WriteFile and
// shell redirection create them, so a results folder on a shared volume is
// readable by the other users of a cluster (a report job often runs as
// another user than the jobs that wrote the shards).
package atomicfile

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"sync/atomic"
)

// Mode is the permission a written file gets before the umask applies.
const Mode fs.FileMode = 0o644

// counter makes temporary names unique within the process and the pid
// across processes; a name left by a dead process is skipped.
var counter atomic.Uint64

// createTemp creates a new temporary file beside path. Unlike
// os.CreateTemp, which always makes a private (0600) file, it honours Mode
// and the umask.
func createTemp(path string) (*os.File, error) {
	dir, base := filepath.Split(path)
	for {
		name := filepath.Join(dir, "."+base+".tmp-"+strconv.Itoa(os.Getpid())+"-"+strconv.FormatUint(counter.Add(1), 36))
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, Mode)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		return f, err
	}
}

// Write writes data to path atomically.
func Write(path string, data []byte) error {
	tmp, err := createTemp(path)
	if err != nil {
		return err
	}
	name := tmp.Name()
	fail := func(err error) error {
		tmp.Close()
		os.Remove(name)
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		return fail(err)
	}
	if err := tmp.Sync(); err != nil {
		return fail(err)
	}
	if err := tmp.Close(); err != nil {
		os.Remove(name)
		return err
	}
	if err := os.Rename(name, path); err != nil {
		os.Remove(name)
		return err
	}
	// Sync the folder so the rename itself survives a power loss.
	if d, err := os.Open(filepath.Dir(path)); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// WriteJSON writes v as indented JSON atomically.
func WriteJSON(path string, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return Write(path, append(data, '\n'))
}
