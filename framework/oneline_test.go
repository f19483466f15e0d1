package framework

import "testing"

func TestOneLine(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"plain", "plain"},
		{"a\nb", "a b"},
		{"a\r\n\tb  c", "a b c"},
		{"  padded \n", "padded"},
		{"panic: x\n\ngoroutine 1 [running]:\n", "panic: x goroutine 1 [running]:"},
	}
	for _, tt := range tests {
		if got := OneLine(tt.in); got != tt.want {
			t.Errorf("OneLine(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
