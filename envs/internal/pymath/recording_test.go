package pymath

import (
	"bufio"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"
)

// eachRecorded streams a recording of a reference math library (numpy,
// glibc): one line per argument, width float64 values written as
// hexadecimal bit patterns. The file envVar names, when set, replaces def,
// so a larger recording can be checked without committing it. It returns
// the number of lines.
func eachRecorded(t *testing.T, envVar, def string, width int, check func(v []float64)) int {
	t.Helper()
	path := def
	if p := os.Getenv(envVar); p != "" {
		path = p
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	v := make([]float64, width)
	n := 0
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) != width {
			t.Fatalf("%s line %d: want %d fields, got %q", path, n+1, width, sc.Text())
		}
		for i, s := range fields {
			b, err := strconv.ParseUint(s, 16, 64)
			if err != nil {
				t.Fatalf("%s line %d: %v", path, n+1, err)
			}
			v[i] = math.Float64frombits(b)
		}
		n++
		check(v)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return n
}
