package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
)

// ClockFields are the keys of results.json that measure wall-clock time,
// which no two runs share; everything else a seed fixes.
var ClockFields = []string{"wall_seconds", "wall_seconds_mean", "timing_seconds"}

// PlaceFields are the keys of results.json that say where a report was
// made from (the match file's path), not what it holds.
var PlaceFields = []string{"source"}

// Diff compares two results.json documents field by field and lists every
// difference as "path: a != b" (at most limit of them when limit > 0),
// skipping the keys in ignore wherever they occur. Numbers are compared by
// their text, which for the float64s arena writes is bit-for-bit equality.
func Diff(a, b []byte, ignore []string, limit int) ([]string, error) {
	va, err := decodeNumbers(a)
	if err != nil {
		return nil, fmt.Errorf("first results: %w", err)
	}
	vb, err := decodeNumbers(b)
	if err != nil {
		return nil, fmt.Errorf("second results: %w", err)
	}
	d := differ{ignore: map[string]bool{}, limit: limit}
	for _, k := range ignore {
		d.ignore[k] = true
	}
	d.walk("", va, vb)
	return d.out, nil
}

func decodeNumbers(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}

type differ struct {
	ignore map[string]bool
	limit  int
	out    []string
}

func (d *differ) add(path string, a, b any) {
	if d.limit > 0 && len(d.out) >= d.limit {
		return
	}
	d.out = append(d.out, fmt.Sprintf("%s: %s != %s", path, short(a), short(b)))
}

func (d *differ) walk(path string, a, b any) {
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok {
			d.add(path, a, b)
			return
		}
		keys := map[string]bool{}
		for k := range x {
			keys[k] = true
		}
		for k := range y {
			keys[k] = true
		}
		sorted := make([]string, 0, len(keys))
		for k := range keys {
			sorted = append(sorted, k)
		}
		sort.Strings(sorted)
		for _, k := range sorted {
			if d.ignore[k] {
				continue
			}
			p := k
			if path != "" {
				p = path + "." + k
			}
			va, oka := x[k]
			vb, okb := y[k]
			switch {
			case !oka:
				d.add(p, "(absent)", vb)
			case !okb:
				d.add(p, va, "(absent)")
			default:
				d.walk(p, va, vb)
			}
		}
	case []any:
		y, ok := b.([]any)
		if !ok {
			d.add(path, a, b)
			return
		}
		if len(x) != len(y) {
			d.add(path+".length", len(x), len(y))
		}
		for i := range min(len(x), len(y)) {
			d.walk(path+"["+strconv.Itoa(i)+"]", x[i], y[i])
		}
	default:
		if a != b {
			d.add(path, a, b)
		}
	}
}

// short prints a value in one bounded piece: a whole DOT topology or
// curve is not a useful line.
func short(v any) string {
	var s string
	switch x := v.(type) {
	case string:
		s = strconv.Quote(x)
	default:
		data, _ := json.Marshal(x)
		s = string(data)
	}
	if len(s) > 80 {
		s = s[:77] + "..."
	}
	return s
}
