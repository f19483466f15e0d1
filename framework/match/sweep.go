package match

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// sweepKey is the student table whose lists expand one [[student]] into a
// grid: [student.sweep] with learning_rate = [1e-3, 3e-3] and hidden =
// [[16, 16], [64, 64]] gives four students.
const sweepKey = "sweep"

// maxSweep bounds the students one sweep may make, so a typo cannot ask
// for millions of runs.
const maxSweep = 1000

// expandSweeps replaces every student table holding a sweep table by the
// Cartesian product of its lists, in the order of the sorted keys with the
// last key varying fastest. Each made student has the sweep's values as
// its own settings and is named after them (expandName); its Sweep field
// lists the swept keys, for reports grouped by them. where says where
// student i stands, for errors.
func expandSweeps(students []map[string]any, where func(i int) string) ([]map[string]any, []int, error) {
	var out []map[string]any
	var from []int // from[j] is the index of the table student j came from
	for i, raw := range students {
		sw, ok := raw[sweepKey]
		if !ok {
			out = append(out, raw)
			from = append(from, i)
			continue
		}
		table, ok := sw.(map[string]any)
		if !ok || len(table) == 0 {
			return nil, nil, fmt.Errorf("%s: %q must be a table of lists, e.g. [student.sweep] with hidden = [[16], [64]]", where(i), sweepKey)
		}
		keys := slices.Sorted(maps.Keys(table))
		total := 1
		lists := make([][]any, len(keys))
		for k, key := range keys {
			switch key {
			case "name", "kind", sweepKey, "in_process", perEnvKey:
				return nil, nil, fmt.Errorf("%s: sweep.%s: %q cannot be swept", where(i), key, key)
			}
			if _, dup := raw[key]; dup {
				return nil, nil, fmt.Errorf("%s: %q is set both in the student and in its sweep", where(i), key)
			}
			list, ok := table[key].([]any)
			if !ok || len(list) == 0 {
				return nil, nil, fmt.Errorf("%s: sweep.%s must be a non-empty list of values, got %v", where(i), key, table[key])
			}
			lists[k] = list
			total *= len(list)
			if total > maxSweep {
				return nil, nil, fmt.Errorf("%s: the sweep makes more than %d students", where(i), maxSweep)
			}
		}
		base, _ := raw["name"].(string)
		idx := make([]int, len(keys))
		for range total {
			s := map[string]any{}
			for k, v := range raw {
				if k != sweepKey {
					s[k] = v
				}
			}
			parts := make([]string, len(keys))
			for k, key := range keys {
				v := lists[k][idx[k]]
				s[key] = v
				parts[k] = key + "-" + sweepValue(v)
			}
			s["name"] = expandName(base, parts)
			s[sweptKeysKey] = slices.Clone(keys)
			out = append(out, s)
			from = append(from, i)
			// Next combination: the last key varies fastest.
			for k := len(keys) - 1; k >= 0; k-- {
				idx[k]++
				if idx[k] < len(lists[k]) {
					break
				}
				idx[k] = 0
			}
		}
	}
	return out, from, nil
}

// sweptKeysKey carries the swept keys of an expanded student from
// expandSweeps to Parse; it is not a key a match file can hold.
const sweptKeysKey = "\x00swept"

// expandName names a student of a sweep: its table's name and each swept
// setting as key-value, joined by dots, e.g.
// "mlp.hidden-16x16.learning_rate-0.001". Only characters safe in file
// names are used, so run IDs stay readable.
func expandName(base string, parts []string) string {
	return strings.Join(append([]string{base}, parts...), ".")
}

// sweepValue writes a swept value for a name: numbers as Go prints them,
// lists joined by "x" (hidden = [16, 16] gives 16x16), strings as they are.
func sweepValue(v any) string {
	switch x := v.(type) {
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	case string:
		return SafeName(x)
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = sweepValue(e)
		}
		return strings.Join(parts, "x")
	}
	return SafeName(fmt.Sprint(v))
}
