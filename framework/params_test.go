package framework

import (
	"slices"
	"strings"
	"testing"
)

// tomlParams and jsonParams hold the same settings as the TOML decoder
// (integers as int64) and encoding/json (numbers as float64) produce them.
var (
	tomlParams = Params{"hidden": int64(64), "lr": 0.001, "name": "mlp", "soft": true,
		"layers": []any{int64(64), int64(32)}, "sub": map[string]any{"k": int64(2)}}
	jsonParams = Params{"hidden": float64(64), "lr": 0.001, "name": "mlp", "soft": true,
		"layers": []any{float64(64), float64(32)}, "sub": map[string]any{"k": float64(2)}}
)

func TestParamsGetters(t *testing.T) {
	for name, p := range map[string]Params{"toml": tomlParams, "json": jsonParams} {
		if v, err := p.Int("hidden", 0); err != nil || v != 64 {
			t.Errorf("%s: Int = %d, %v", name, v, err)
		}
		if v, err := p.Float("hidden", 0); err != nil || v != 64 {
			t.Errorf("%s: Float of an integer = %v, %v", name, v, err)
		}
		if v, err := p.Float("lr", 0); err != nil || v != 0.001 {
			t.Errorf("%s: Float = %v, %v", name, v, err)
		}
		if v, err := p.String("name", ""); err != nil || v != "mlp" {
			t.Errorf("%s: String = %q, %v", name, v, err)
		}
		if v, err := p.Bool("soft", false); err != nil || !v {
			t.Errorf("%s: Bool = %v, %v", name, v, err)
		}
		if v, err := p.Ints("layers", nil); err != nil || !slices.Equal(v, []int{64, 32}) {
			t.Errorf("%s: Ints = %v, %v", name, v, err)
		}
		sub, err := p.Sub("sub")
		if err != nil {
			t.Fatalf("%s: Sub: %v", name, err)
		}
		if v, err := sub.Int("k", 0); err != nil || v != 2 {
			t.Errorf("%s: Sub(...).Int = %d, %v", name, v, err)
		}
	}
}

func TestParamsDefaults(t *testing.T) {
	p := Params{}
	if v, err := p.Int("x", 7); v != 7 || err != nil {
		t.Errorf("Int default %d, %v", v, err)
	}
	if v, err := p.Float("x", 0.5); v != 0.5 || err != nil {
		t.Errorf("Float default %v, %v", v, err)
	}
	if v, err := p.String("x", "d"); v != "d" || err != nil {
		t.Errorf("String default %q, %v", v, err)
	}
	if v, err := p.Bool("x", true); !v || err != nil {
		t.Errorf("Bool default %v, %v", v, err)
	}
	if v, err := p.Ints("x", []int{1}); !slices.Equal(v, []int{1}) || err != nil {
		t.Errorf("Ints default %v, %v", v, err)
	}
	if v, err := p.Sub("x"); len(v) != 0 || v == nil || err != nil {
		t.Errorf("Sub default %v, %v", v, err)
	}
}

func TestParamsOtherNumberTypes(t *testing.T) {
	p := Params{"a": 3, "b": int32(4), "c": float32(0.5), "d": uint64(9), "e": []int64{1, 2}, "f": []int{3}, "g": Params{"z": 1}}
	for _, tt := range []struct {
		key  string
		want float64
	}{{"a", 3}, {"b", 4}, {"c", 0.5}, {"d", 9}} {
		if v, err := p.Float(tt.key, 0); err != nil || v != tt.want {
			t.Errorf("Float(%q) = %v, %v; want %v", tt.key, v, err, tt.want)
		}
	}
	if v, err := p.Ints("e", nil); err != nil || !slices.Equal(v, []int{1, 2}) {
		t.Errorf("Ints of []int64 = %v, %v", v, err)
	}
	if v, err := p.Ints("f", nil); err != nil || !slices.Equal(v, []int{3}) {
		t.Errorf("Ints of []int = %v, %v", v, err)
	}
	if v, err := p.Sub("g"); err != nil || v["z"] != 1 {
		t.Errorf("Sub of Params = %v, %v", v, err)
	}
}

func TestParamsWrongTypes(t *testing.T) {
	p := Params{"s": "x", "f": 2.5, "n": int64(3), "big": 1e300, "b": true, "l": []any{int64(1), "two"}, "lf": []any{1.5}, "m": map[string]any{}}
	tests := []struct {
		name string
		get  func() error
		want string
	}{
		{"Float of a string", func() error { _, err := p.Float("s", 0); return err }, `"s" must be a number`},
		{"Float of a bool", func() error { _, err := p.Float("b", 0); return err }, `"b" must be a number`},
		{"Int of a fraction", func() error { _, err := p.Int("f", 0); return err }, `"f" must be an integer`},
		{"Int of a huge number", func() error { _, err := p.Int("big", 0); return err }, `"big" must be an integer`},
		{"Int of a string", func() error { _, err := p.Int("s", 0); return err }, `"s" must be an integer`},
		{"String of a number", func() error { _, err := p.String("n", ""); return err }, `"n" must be a string`},
		{"Bool of a string", func() error { _, err := p.Bool("s", false); return err }, `"s" must be true or false`},
		{"Ints of a number", func() error { _, err := p.Ints("n", nil); return err }, `"n" must be a list of integers`},
		{"Ints with a string", func() error { _, err := p.Ints("l", nil); return err }, "element 1"},
		{"Ints with a fraction", func() error { _, err := p.Ints("lf", nil); return err }, "element 0"},
		{"Sub of a string", func() error { _, err := p.Sub("s"); return err }, `"s" must be a table`},
	}
	for _, tt := range tests {
		err := tt.get()
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want one containing %q", tt.name, err, tt.want)
		}
	}
}

func TestCheckKnown(t *testing.T) {
	p := Params{"lr": 0.1, "hiden": int64(3), "alpha": 1.0}
	if err := p.CheckKnown("lr", "hiden", "alpha"); err != nil {
		t.Errorf("all known: %v", err)
	}
	err := p.CheckKnown("lr", "hidden")
	// Keys are checked in sorted order, so "alpha" is named first.
	if err == nil || !strings.Contains(err.Error(), `unknown setting "alpha"`) || !strings.Contains(err.Error(), "known: lr, hidden") {
		t.Errorf("error %v", err)
	}
	if err := (Params{}).CheckKnown(); err != nil {
		t.Errorf("empty params: %v", err)
	}
	if err := (Params{"x": 1}).CheckKnown(); err == nil {
		t.Error("a setting with nothing known was accepted")
	}
}
