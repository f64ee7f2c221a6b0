package conversation

import (
	"errors"

	"github.com/jackc/pgx/v5"

	"github.com/shopdesk/shopdesk/internal/store"
	"github.com/shopdesk/shopdesk/internal/validate"
)

func notFound(err error) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return store.ErrNotFound
	}
	return err
}

// refuseMergedAway refuses any change to a ticket merged into another: its messages live on
// the target, so a reply, note or property set here would be lost to everyone working there.
// Undoing the merge is the way back.
func refuseMergedAway(t Ticket) error {
	if t.MergedInto.Valid {
		return validate.Errors{"ticket": "merge.merged_away_read_only"}
	}
	return nil
}
