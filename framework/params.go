package framework

import (
	"fmt"
	"math"
	"sort"
	"strings"
)

// Params holds a component's own settings as decoded from a match file
// (TOML) or a plugin call (JSON): numbers are int64 or float64, lists are
// []any, tables are map[string]any.
type Params map[string]any

// CheckKnown returns an error naming the first key (in sorted order) that is
// not among known, so a misspelt setting is never silently ignored.
func (p Params) CheckKnown(known ...string) error {
	keys := make([]string, 0, len(p))
	for k := range p {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		found := false
		for _, kn := range known {
			if k == kn {
				found = true
				break
			}
		}
		if !found {
			return fmt.Errorf("unknown setting %q (known: %s)", k, strings.Join(known, ", "))
		}
	}
	return nil
}

// Float returns the number under key, or def when it is absent.
func (p Params) Float(key string, def float64) (float64, error) {
	v, ok := p[key]
	if !ok {
		return def, nil
	}
	f, ok := toFloat(v)
	if !ok {
		return 0, fmt.Errorf("setting %q must be a number, got %v", key, v)
	}
	return f, nil
}

// Int returns the integer under key, or def when it is absent.
func (p Params) Int(key string, def int) (int, error) {
	v, ok := p[key]
	if !ok {
		return def, nil
	}
	f, ok := toFloat(v)
	if !ok || f != math.Trunc(f) || math.Abs(f) > 1<<53 {
		return 0, fmt.Errorf("setting %q must be an integer, got %v", key, v)
	}
	return int(f), nil
}

// String returns the string under key, or def when it is absent.
func (p Params) String(key string, def string) (string, error) {
	v, ok := p[key]
	if !ok {
		return def, nil
	}
	s, ok := v.(string)
	if !ok {
		return "", fmt.Errorf("setting %q must be a string, got %v", key, v)
	}
	return s, nil
}

// Bool returns the boolean under key, or def when it is absent.
func (p Params) Bool(key string, def bool) (bool, error) {
	v, ok := p[key]
	if !ok {
		return def, nil
	}
	b, ok := v.(bool)
	if !ok {
		return false, fmt.Errorf("setting %q must be true or false, got %v", key, v)
	}
	return b, nil
}

// Ints returns the list of integers under key, or def when it is absent.
func (p Params) Ints(key string, def []int) ([]int, error) {
	v, ok := p[key]
	if !ok {
		return def, nil
	}
	var list []any
	switch l := v.(type) {
	case []any:
		list = l
	case []int64:
		for _, x := range l {
			list = append(list, x)
		}
	case []int:
		return append([]int(nil), l...), nil
	default:
		return nil, fmt.Errorf("setting %q must be a list of integers, got %v", key, v)
	}
	out := make([]int, len(list))
	for i, x := range list {
		f, ok := toFloat(x)
		if !ok || f != math.Trunc(f) || math.Abs(f) > 1<<53 {
			return nil, fmt.Errorf("setting %q must be a list of integers, element %d is %v", key, i, x)
		}
		out[i] = int(f)
	}
	return out, nil
}

// Sub returns the table under key (empty when absent).
func (p Params) Sub(key string) (Params, error) {
	v, ok := p[key]
	if !ok {
		return Params{}, nil
	}
	switch t := v.(type) {
	case map[string]any:
		return Params(t), nil
	case Params:
		return t, nil
	}
	return nil, fmt.Errorf("setting %q must be a table, got %v", key, v)
}

func toFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case float32:
		return float64(x), true
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	case int32:
		return float64(x), true
	case uint64:
		return float64(x), true
	}
	return 0, false
}
