package conversation

import (
	"context"
	"errors"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
	"github.com/shopdesk/shopdesk/internal/tenant"
)

// signed appends the author's signature for the ticket's channel to a reply, once: a failed
// reply edited and sent again already ends with it.
func signed(ctx context.Context, q *dbsqlc.Queries, sc tenant.Scope, channel, body string) (string, error) {
	sig, err := q.SignatureGet(ctx, dbsqlc.SignatureGetParams{TenantID: sc.TenantID(), UserID: sc.UserID, Channel: channel})
	if errors.Is(err, pgx.ErrNoRows) {
		return body, nil
	} else if err != nil {
		return body, err
	}
	sig = strings.TrimSpace(sig)
	switch {
	case sig == "" || strings.HasSuffix(body, sig):
		return body, nil
	case body == "":
		return sig, nil
	}
	return body + "\n\n" + sig, nil
}
