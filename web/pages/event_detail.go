package pages

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// eventDetail renders an event's data compactly ("from open to resolved", "#12").
func eventDetail(data []byte) string {
	var m map[string]any
	if json.Unmarshal(data, &m) != nil || len(m) == 0 {
		return ""
	}
	if n, ok := m["number"]; ok {
		return fmt.Sprintf(" #%v", n)
	}
	from, hasFrom := m["from"]
	to, hasTo := m["to"]
	if hasFrom && hasTo {
		return fmt.Sprintf(": %v → %v", show(from), show(to))
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s %v", k, show(m[k])))
	}
	return ": " + strings.Join(parts, ", ")
}

func show(v any) string {
	switch x := v.(type) {
	case nil:
		return "—"
	case string:
		if x == "" {
			return "—"
		}
		return x
	case []any:
		var s []string
		for _, e := range x {
			s = append(s, fmt.Sprint(e))
		}
		if len(s) == 0 {
			return "—"
		}
		return strings.Join(s, ", ")
	}
	return fmt.Sprint(v)
}
