package host

import (
	"reflect"
	"testing"
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
