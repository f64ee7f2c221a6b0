// Package holiday ships public-holiday lists per country as data, so an admin can pick a
// country's holidays for a business-hours calendar instead of typing them. The lists are generated
// by data/gen.js from the date-holidays npm package (see that file for the one correction made)
// and cover the years in Years.
package holiday

import (
	_ "embed"
	"encoding/json"
	"slices"
	"sort"
	"strings"
	"sync"
)

//go:embed data/holidays.json
var raw []byte

// Years the shipped lists cover.
var Years = [2]int{2025, 2030}

// Holiday is one public holiday.
type Holiday struct {
	Date string `json:"date"` // YYYY-MM-DD
	Name string `json:"name"`
}

// Country is a country with a shipped list.
type Country struct {
	Code string
	Name string
}

type file struct {
	Source    string `json:"source"`
	Countries map[string]struct {
		Name     string    `json:"name"`
		Holidays []Holiday `json:"holidays"`
	} `json:"countries"`
}

var load = sync.OnceValue(func() file {
	var f file
	if err := json.Unmarshal(raw, &f); err != nil {
		panic("holiday: embedded data: " + err.Error())
	}
	return f
})

// Countries lists the countries with data, by name.
func Countries() []Country {
	var out []Country
	for code, c := range load().Countries {
		out = append(out, Country{Code: code, Name: c.Name})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Of returns a country's holidays by date (nil for an unknown code).
func Of(code string) []Holiday {
	c, ok := load().Countries[strings.ToUpper(code)]
	if !ok {
		return nil
	}
	out := slices.Clone(c.Holidays)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Date < out[j].Date })
	return out
}

// Source names where the data came from.
func Source() string { return load().Source }
