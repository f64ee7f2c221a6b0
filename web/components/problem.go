package components

import (
	"context"

	"github.com/shopdesk/shopdesk/internal/i18n"
)

type problemKey struct{}

// WithProblem lets a page frame explain a form sent back by the request-wide input rules: summary
// returns the message key of the first such problem ("" when there is none), read at render time.
func WithProblem(ctx context.Context, summary func() string) context.Context {
	return context.WithValue(ctx, problemKey{}, summary)
}

// orProblem is flash, or else the request's input problem as an error message.
func orProblem(ctx context.Context, flash *Flash) *Flash {
	if flash != nil {
		return flash
	}
	if summary, ok := ctx.Value(problemKey{}).(func() string); ok {
		if key := summary(); key != "" {
			return &Flash{Kind: "error", Message: i18n.T(ctx, key)}
		}
	}
	return nil
}
