package components

import "slices"

// PickerField is a select of a known set (channels, teams, agents, languages, …) that admin.js
// turns into a type-to-search combobox. ID defaults to Name; set it when a page repeats the form.
type PickerField struct {
	ID, Name, Label, Help, Error, TestID string
	Values                               []string
	Multiple, Required                   bool
}

func (f PickerField) id() string {
	if f.ID != "" {
		return f.ID
	}
	return f.Name
}

func (f PickerField) describedBy() string {
	ids := ""
	if f.Help != "" {
		ids = f.id() + "-help"
	}
	if f.Error != "" {
		if ids != "" {
			ids += " "
		}
		ids += f.id() + "-error"
	}
	return ids
}

func (f PickerField) selected(v string) bool { return slices.Contains(f.Values, v) }
