// Package reqctx carries what the request log and error logs need to say about a request (its id,
// workspace and person) from the middleware that learns it to the one log line at the edge.
package reqctx

import (
	"context"
	"log/slog"
	"sync"

	"github.com/google/uuid"
)

type key struct{}

// Info is filled in as the request passes through middleware.
type Info struct {
	mu        sync.Mutex
	RequestID string
	TenantID  uuid.UUID
	UserID    uuid.UUID
}

// With returns ctx carrying a fresh Info.
func With(ctx context.Context, requestID string) (context.Context, *Info) {
	i := &Info{RequestID: requestID}
	return context.WithValue(ctx, key{}, i), i
}

func from(ctx context.Context) *Info {
	i, _ := ctx.Value(key{}).(*Info)
	return i
}

// SetUser records the signed-in person.
func SetUser(ctx context.Context, id uuid.UUID) {
	if i := from(ctx); i != nil {
		i.mu.Lock()
		i.UserID = id
		i.mu.Unlock()
	}
}

// SetTenant records the workspace.
func SetTenant(ctx context.Context, id uuid.UUID) {
	if i := from(ctx); i != nil {
		i.mu.Lock()
		i.TenantID = id
		i.mu.Unlock()
	}
}

// Attrs are the request's log attributes.
func Attrs(ctx context.Context) []slog.Attr {
	i := from(ctx)
	if i == nil {
		return nil
	}
	i.mu.Lock()
	defer i.mu.Unlock()
	attrs := []slog.Attr{slog.String("request_id", i.RequestID)}
	if i.TenantID != uuid.Nil {
		attrs = append(attrs, slog.String("tenant_id", i.TenantID.String()))
	}
	if i.UserID != uuid.Nil {
		attrs = append(attrs, slog.String("user_id", i.UserID.String()))
	}
	return attrs
}

// Log writes one record with the request's attributes.
func Log(ctx context.Context, l *slog.Logger, level slog.Level, msg string, attrs ...slog.Attr) {
	l.LogAttrs(ctx, level, msg, append(Attrs(ctx), attrs...)...)
}
