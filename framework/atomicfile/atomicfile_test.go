package atomicfile

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

func TestWriteReplacesWholeAndLeavesNoTemp(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "f.json")
	for _, v := range []map[string]int{{"a": 1}, {"b": 2}} {
		if err := WriteJSON(p, v); err != nil {
			t.Fatal(err)
		}
	}
	data, err := os.ReadFile(p)
	if err != nil || string(data) != "{\n  \"b\": 2\n}\n" {
		t.Fatalf("file holds %q, %v", data, err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("%d entries in the folder, want 1", len(entries))
	}
	if err := Write(filepath.Join(dir, "missing", "f"), nil); err == nil {
		t.Fatal("writing into a missing folder succeeded")
	}
}

// A results folder on a shared volume must be readable by other users: a
// written file gets 0644 less the umask, not the 0600 of os.CreateTemp.
func TestWriteModeFollowsUmask(t *testing.T) {
	dir := t.TempDir()
	for _, umask := range []int{0o022, 0o077, 0o002} {
		old := syscall.Umask(umask)
		p := filepath.Join(dir, "f")
		err := Write(p, []byte("x"))
		syscall.Umask(old)
		if err != nil {
			t.Fatal(err)
		}
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if want := Mode &^ os.FileMode(umask); fi.Mode().Perm() != want {
			t.Errorf("umask %03o: mode %v, want %v", umask, fi.Mode().Perm(), want)
		}
	}
}
