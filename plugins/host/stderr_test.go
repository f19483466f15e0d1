package host

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/hashicorp/go-hclog"
)

func TestTailWriter(t *testing.T) {
	tests := []struct {
		name   string
		writes []string
		want   []string
	}{
		{"plain lines", []string{"a\n", "b\n"}, []string{"a", "b"}},
		{"split writes", []string{"hel", "lo\nwor", "ld"}, []string{"hello", "world"}},
		{"keeps the last", []string{"1\n2\n3\n4\n"}, []string{"2", "3", "4"}},
		{"hclog JSON", []string{`{"@level":"error","@message":"boom","step":3}` + "\n"}, []string{"error: boom step=3"}},
		{"drops debug", []string{`{"@level":"debug","@message":"plugin address"}` + "\n", "x\n"}, []string{"x"}},
		{"blank lines", []string{"\n\n  \nz\n"}, []string{"z"}},
		{"not JSON after all", []string{"{oops\n"}, []string{"{oops"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := newTailWriter(3)
			for _, s := range tc.writes {
				w.Write([]byte(s))
			}
			if got := w.lines(); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("lines %q, want %q", got, tc.want)
			}
		})
	}
}

// TestStderrWithoutNewlinesIsBounded checks that what is kept of a
// plugin's output without newlines stays capped, however much it writes.
func TestStderrWithoutNewlinesIsBounded(t *testing.T) {
	tail := newTailWriter(3)
	l := &lineLogger{log: hclog.NewNullLogger(), tail: tail}
	chunk := bytes.Repeat([]byte("x"), 64<<10)
	const chunks = 320 // 20 MiB
	for range chunks {
		l.Write(chunk)
	}
	if n := cap(l.line.buf); n > maxLineBytes {
		t.Errorf("the logger keeps %d bytes of one line, want at most %d", n, maxLineBytes)
	}
	if n := cap(tail.partial.buf); n > maxLineBytes {
		t.Errorf("the tail keeps %d bytes of one line, want at most %d", n, maxLineBytes)
	}
	lines := tail.lines()
	if len(lines) != 1 || len(lines[0]) > 400 || !strings.HasPrefix(lines[0], "xxx") {
		t.Fatalf("lines %.80q…, want one capped line", lines)
	}
	l.Write([]byte("\nlast words\n"))
	lines = tail.lines()
	if len(lines) != 2 || lines[1] != "last words" {
		t.Fatalf("after the long line: %.80q", lines)
	}
	var kept cappedLine
	var got []string
	kept.feed(append(bytes.Repeat([]byte("y"), maxLineBytes+10), '\n'), func(s string) { got = append(got, s) })
	if len(got) != 1 || !strings.HasSuffix(got[0], "… (10 more bytes)") {
		t.Fatalf("a capped line reads %.40q…", got)
	}
}

// TestTailRingStaysSmall checks the ring of last lines does not grow with
// the number of lines written.
func TestTailRingStaysSmall(t *testing.T) {
	tail := newTailWriter(8)
	for i := range 100000 {
		fmt.Fprintf(tail, "line %d\n", i)
	}
	if got := tail.lines(); len(got) != 8 || got[7] != "line 99999" || cap(tail.ring) > 16 {
		t.Fatalf("%d lines (cap %d), last %q", len(got), cap(tail.ring), got[len(got)-1])
	}
}

// BenchmarkStderrWithoutNewlines measures what 20 MiB of plugin output
// without a newline costs the host, in 64 KiB writes as go-plugin's
// stderr reader makes them.
func BenchmarkStderrWithoutNewlines(b *testing.B) {
	chunk := bytes.Repeat([]byte("x"), 64<<10)
	b.SetBytes(320 * int64(len(chunk)))
	for b.Loop() {
		l := &lineLogger{log: hclog.NewNullLogger(), tail: newTailWriter(8)}
		for range 320 {
			l.Write(chunk)
		}
	}
}
