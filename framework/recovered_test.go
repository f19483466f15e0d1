package framework

import (
	"strings"
	"testing"
)

func TestRecoveredNamesThePanic(t *testing.T) {
	err := Recovered(func() error {
		var m map[string]int
		m["x"] = 1
		return nil
	})
	if err == nil || !strings.Contains(err.Error(), "panic: assignment to entry in nil map") || !strings.Contains(err.Error(), "recovered_test.go:") {
		t.Fatalf("Recovered gave %v", err)
	}
	if err := Recovered(func() error { return nil }); err != nil {
		t.Fatalf("no panic, error %v", err)
	}
}
