package ui

import (
	"errors"

	"github.com/shopdesk/shopdesk/internal/validate"
)

// firstProblem returns one message key of a validation error, for actions that answer with a
// flash message instead of a form.
func firstProblem(err error) (string, bool) {
	var ve validate.Errors
	if !errors.As(err, &ve) || len(ve) == 0 {
		return "", false
	}
	return firstKey(ve), true
}
