package requests

import (
	"context"
	"encoding/base64"
	"strings"
	"time"
)

// DueSoonDays is the window of Counts.DueSoon.
const DueSoonDays = 7

// cursor is the position after the last request of a page.
type cursor struct {
	due time.Time
	id  string
}

func (c cursor) encode() string {
	return base64.RawURLEncoding.EncodeToString([]byte(c.due.UTC().Format("2006-01-02") + "|" + c.id))
}

func decodeCursor(s string) (*cursor, bool) {
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, false
	}
	day, id, ok := strings.Cut(string(raw), "|")
	if !ok {
		return nil, false
	}
	due, err := time.Parse("2006-01-02", day)
	if err != nil {
		return nil, false
	}
	cid, ok := canonicalID(id)
	if !ok {
		return nil, false
	}
	return &cursor{due: due, id: cid}, true
}

// List returns a page of the queue, the soonest due first. A bad filter
// value is ErrFilterInvalid, a bad cursor ErrCursorInvalid.
func (s *Service) List(ctx context.Context, f Filter) (*Page, error) {
	switch {
	case f.State != "" && !f.State.Valid(),
		f.Type != "" && !f.Type.Valid(),
		f.Limit < 0, f.DueWithinDays < 0, f.DueWithinDays > 3660,
		len(f.Search) > maxEmailLen, len(f.LawID) > 100:
		return nil, ErrFilterInvalid
	}
	if f.Assignee != "" && f.Assignee != Unassigned {
		cid, ok := canonicalID(f.Assignee)
		if !ok {
			return nil, ErrFilterInvalid
		}
		f.Assignee = cid
	}
	if f.Cursor != "" {
		c, ok := decodeCursor(f.Cursor)
		if !ok {
			return nil, ErrCursorInvalid
		}
		f.after = c
	}
	if f.Limit == 0 {
		f.Limit = 50
	}
	f.Limit = min(f.Limit, MaxPageSize)
	want := f.Limit
	f.Limit++ // one more tells whether a next page exists
	rows, err := s.store.ListRequests(ctx, f, s.Today())
	if err != nil {
		return nil, err
	}
	p := &Page{Requests: rows}
	if len(rows) > want {
		p.Requests = rows[:want]
		last := p.Requests[want-1]
		p.NextCursor = cursor{due: last.DueDate, id: last.ID}.encode()
	}
	return p, nil
}

// Counts summarises the queue: requests per state, open, overdue, due
// within DueSoonDays, unassigned.
func (s *Service) Counts(ctx context.Context) (Counts, error) {
	return s.store.CountRequests(ctx, s.Today(), DueSoonDays)
}
