package conversation

import (
	"errors"

	"github.com/jackc/pgx/v5"

	"github.com/shopdesk/shopdesk/internal/store"
)

func notFound(err error) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return store.ErrNotFound
	}
	return err
}
