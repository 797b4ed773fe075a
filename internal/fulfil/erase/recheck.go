package erase

import (
	"context"
	"fmt"
	"time"

	"github.com/garde-privacy/garde/internal/fulfil"
	"github.com/garde-privacy/garde/internal/fulfil/connect"
	"github.com/garde-privacy/garde/internal/fulfil/dataset"
)

// Match is a value of an identity field whose keyed hash is a tombstone:
// a person erased before is in the system again.
type Match struct {
	Collection  *dataset.Collection
	Field       *dataset.Field
	IdentityKey string
	Value       string
	ErasedAt    time.Time
}

// Recheck reads every identity field of the datasets that have a
// connection and returns the values erased before. tombstones maps a
// dataset's fides_key to its tombstones by hash.
func Recheck(ctx context.Context, set *dataset.Set, conns map[string]*connect.Conn, key []byte, tombstones map[string]map[string]fulfil.Tombstone) ([]Match, error) {
	var out []Match
	for _, c := range set.Collections() {
		conn, tombs := conns[c.Dataset.FidesKey], tombstones[c.Dataset.FidesKey]
		if conn == nil || len(tombs) == 0 || c.Meta().SkipProcessing {
			continue
		}
		for _, f := range c.Fields {
			idKey := f.Meta().Identity
			if idKey == "" {
				continue
			}
			tbl := dataset.Quote(c.Name)
			if sc := c.Dataset.Schema(); sc != "" {
				tbl = dataset.Quote(sc) + "." + tbl
			}
			col := dataset.Quote(f.Name)
			rows, err := conn.DB.QueryContext(ctx, "SELECT DISTINCT "+col+" FROM "+tbl+" WHERE "+col+" IS NOT NULL")
			if err != nil {
				return nil, fmt.Errorf("%s.%s: %w", c.Key(), f.Name, err)
			}
			for rows.Next() {
				var v any
				if err := rows.Scan(&v); err != nil {
					rows.Close()
					return nil, err
				}
				s := text(v)
				if t, ok := tombs[fulfil.TombstoneHash(key, idKey, s)]; ok && t.IdentityKey == idKey {
					out = append(out, Match{Collection: c, Field: f, IdentityKey: idKey, Value: s, ErasedAt: t.ErasedAt})
				}
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}
