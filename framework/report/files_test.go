package report

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/smgrnn/arena/framework/match"
)

// A merge job writes its report into a folder that does not exist yet
// (arena report shard-* --out merged), and a report job may run as another
// user than the one reading it: the folder is created, and everything in
// it is readable by others.
func TestWriteFilesCreatesReadableFolder(t *testing.T) {
	m, err := match.Parse(twoStudents, "pair.toml")
	if err != nil {
		t.Fatal(err)
	}
	res, err := Build(m, records(t, m, func(env, student string, seed uint64) float64 { return 0.5 }))
	if err != nil {
		t.Fatal(err)
	}
	defer syscall.Umask(syscall.Umask(0o022))
	dir := filepath.Join(t.TempDir(), "new", "merged")
	if err := res.WriteFiles(dir); err != nil {
		t.Fatalf("writing into a new folder: %v", err)
	}
	err = filepath.Walk(dir, func(path string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		if fi.Mode().Perm()&0o044 != 0o044 {
			t.Errorf("%s has mode %v: not readable by group and others", path, fi.Mode().Perm())
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "results.json")); err != nil {
		t.Fatal(err)
	}
}
