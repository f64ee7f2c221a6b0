package store

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
)

// uuidCodec lets pgx write and read github.com/google/uuid values as the 16 bytes they are. pgx
// does not know the type: it wrote each one through its driver.Valuer (formatted as text, then
// parsed back, after building an error for the binary attempt) and read each through its
// sql.Scanner (text again). Every id of every statement took that detour — about 5 % of the
// server's CPU on a ticket page. Anything else is left to pgx's own UUID codec.
type uuidCodec struct{ pgtype.UUIDCodec }

func (c uuidCodec) PlanEncode(m *pgtype.Map, oid uint32, format int16, value any) pgtype.EncodePlan {
	switch value.(type) {
	case uuid.UUID, uuid.NullUUID:
		return uuidEncodePlan{format: format}
	}
	return c.UUIDCodec.PlanEncode(m, oid, format, value)
}

func (c uuidCodec) PlanScan(m *pgtype.Map, oid uint32, format int16, target any) pgtype.ScanPlan {
	switch target.(type) {
	case *uuid.UUID, *uuid.NullUUID:
		return uuidScanPlan{format: format}
	}
	return c.UUIDCodec.PlanScan(m, oid, format, target)
}

type uuidEncodePlan struct{ format int16 }

func (p uuidEncodePlan) Encode(value any, buf []byte) ([]byte, error) {
	var id uuid.UUID
	switch v := value.(type) {
	case uuid.UUID:
		id = v
	case uuid.NullUUID:
		if !v.Valid {
			return nil, nil // NULL
		}
		id = v.UUID
	default:
		return nil, fmt.Errorf("store: cannot encode %T as uuid", value)
	}
	if p.format == pgtype.BinaryFormatCode {
		return append(buf, id[:]...), nil
	}
	return append(buf, id.String()...), nil
}

type uuidScanPlan struct{ format int16 }

func (p uuidScanPlan) Scan(src []byte, target any) error {
	var id uuid.UUID
	if src != nil {
		var err error
		if id, err = p.parse(src); err != nil {
			return err
		}
	}
	switch t := target.(type) {
	case *uuid.UUID:
		*t = id // NULL reads as uuid.Nil, as uuid.UUID's own Scan has it
	case *uuid.NullUUID:
		*t = uuid.NullUUID{UUID: id, Valid: src != nil}
	default:
		return fmt.Errorf("store: cannot scan uuid into %T", target)
	}
	return nil
}

func (p uuidScanPlan) parse(src []byte) (uuid.UUID, error) {
	if p.format == pgtype.BinaryFormatCode {
		if len(src) != 16 {
			return uuid.UUID{}, fmt.Errorf("store: uuid of %d bytes", len(src))
		}
		return uuid.UUID(src), nil
	}
	return uuid.ParseBytes(src)
}

// registerUUID installs uuidCodec for uuid and uuid[] on a new connection.
func registerUUID(_ context.Context, conn *pgx.Conn) error {
	m := conn.TypeMap()
	t := &pgtype.Type{Name: "uuid", OID: pgtype.UUIDOID, Codec: uuidCodec{}}
	m.RegisterType(t)
	m.RegisterType(&pgtype.Type{Name: "_uuid", OID: pgtype.UUIDArrayOID, Codec: &pgtype.ArrayCodec{ElementType: t}})
	// For statements whose parameter types are unknown (the simple protocol).
	m.RegisterDefaultPgType(uuid.UUID{}, "uuid")
	m.RegisterDefaultPgType(uuid.NullUUID{}, "uuid")
	m.RegisterDefaultPgType([]uuid.UUID{}, "_uuid")
	return nil
}
