package consent

import (
	"context"
	"encoding/binary"
	"strconv"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// pgInsert writes up to maxRows events with one statement through pgx's
// pool, its parameters already in PostgreSQL's binary format: text is its
// bytes, a boolean one byte, a time eight. Going through pgx's generic
// encoding boxed every field in an interface and looked up an encode plan
// for it, which made the group's parameters the writer's largest
// allocation.
func (s *SQLStore) pgInsert(ctx context.Context, pool *pgxpool.Pool, events []*Event) error {
	c := &s.stmts
	n := len(events)
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	// Prepared once per connection and size; later calls find it in the
	// connection's own list.
	sd, err := conn.Conn().Prepare(ctx, "garde_consent_insert_"+strconv.Itoa(n), c.sql[n])
	if err != nil {
		return err
	}
	p := pgParamsPool.Get().(*pgParams)
	defer pgParamsPool.Put(p)
	p.encode(events)
	_, err = conn.Conn().PgConn().ExecPrepared(ctx, sd.Name, p.values, binaryFormats[:eventParams*n], nil).Close()
	return err
}

// binaryFormats asks for every parameter in binary format.
var binaryFormats = func() []int16 {
	f := make([]int16, eventParams*maxRows)
	for i := range f {
		f[i] = 1
	}
	return f
}()

// pgParams holds a group's parameters: values slice into buf. Both are
// reused from group to group.
type pgParams struct {
	buf    []byte
	values [][]byte
}

var pgParamsPool = sync.Pool{New: func() any { return new(pgParams) }}

// encode fills p with the events' columns, in eventColumns' order.
func (p *pgParams) encode(events []*Event) {
	p.buf, p.values = p.buf[:0], p.values[:0]
	// Offsets first: buf may move while it grows.
	var ends [eventParams * maxRows]int
	k := 0
	for _, e := range events {
		for _, s := range [...]string{e.ID, e.SiteID, e.SubjectID, e.DeviceID, string(e.Kind)} {
			p.buf = append(p.buf, s...)
			ends[k], k = len(p.buf), k+1
		}
		p.buf = appendPurposes(p.buf, e.Granted)
		ends[k], k = len(p.buf), k+1
		p.buf = appendPurposes(p.buf, e.Refused)
		ends[k], k = len(p.buf), k+1
		for _, s := range [...]string{string(e.Method), string(e.Source), e.NoticeVersion, e.Language} {
			p.buf = append(p.buf, s...)
			ends[k], k = len(p.buf), k+1
		}
		gpc := byte(0)
		if e.GPC {
			gpc = 1
		}
		p.buf = append(p.buf, gpc)
		ends[k], k = len(p.buf), k+1
		p.buf = append(p.buf, e.Actor...)
		ends[k], k = len(p.buf), k+1
		p.buf = appendPgTime(p.buf, e.GivenAt)
		ends[k], k = len(p.buf), k+1
		p.buf = appendPgTime(p.buf, e.RecordedAt)
		ends[k], k = len(p.buf), k+1
	}
	start := 0
	for _, end := range ends[:k] {
		// A full slice expression, so that no value can grow into the next.
		p.values = append(p.values, p.buf[start:end:end])
		start = end
	}
}

// pgEpoch is where PostgreSQL's binary timestamps count from.
var pgEpoch = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC).Unix()

// appendPgTime appends t as a binary timestamptz: microseconds since
// pgEpoch, big-endian.
func appendPgTime(b []byte, t time.Time) []byte {
	us := (t.Unix()-pgEpoch)*1_000_000 + int64(t.Nanosecond())/1000
	return binary.BigEndian.AppendUint64(b, uint64(us))
}
