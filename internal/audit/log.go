// Package audit keeps Garde's append-only audit log. Every entry carries the
// hash of the entry before it, so a row changed, removed or moved directly in
// the database breaks the chain and Verify names it.
//
// Actors follow these conventions, so the log reads the same whoever wrote it:
//
//	operator:<id>        a signed-in operator of the back office
//	token:<id>           an API token
//	cli                  the garde command line on the server
//	system               Garde itself (jobs, start-up)
//	subject:<email-hash> a data subject (never their address in clear)
//
// Actions are dotted names such as "operator.created" or "mail.sent".
package audit

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/garde-privacy/garde/internal/db"
)

// GenesisHash is the previous hash of the first entry.
var GenesisHash = strings.Repeat("0", 64)

// appendLockKey is the PostgreSQL advisory lock that serialises appends
// across Garde instances sharing one database.
const appendLockKey = 7205113022

// Entry is one audit record.
type Entry struct {
	Seq    int64
	At     time.Time
	Actor  string
	Action string
	Target string
	// Details read back as decoded JSON: numbers are json.Number, times
	// RFC 3339 strings.
	Details  map[string]any
	PrevHash string
	Hash     string
}

// Log appends to and reads the audit log.
type Log struct {
	db  *db.DB
	now func() time.Time
}

// New returns the audit log of a database.
func New(d *db.DB) *Log {
	return &Log{db: d, now: time.Now}
}

// Record appends an entry inside the caller's transaction, so the audited
// change and its entry commit (or roll back) together. On PostgreSQL it holds
// an advisory lock until that transaction ends: keep audited transactions
// short, and at the default READ COMMITTED isolation (a snapshot taken before
// the lock could miss the newest entry; the insert would then fail rather
// than fork the chain).
func (l *Log) Record(ctx context.Context, tx *db.Tx, actor, action, target string, details map[string]any) (Entry, error) {
	if strings.TrimSpace(actor) == "" || strings.TrimSpace(action) == "" {
		return Entry{}, errors.New("audit: actor and action are required")
	}
	canon, err := canonicalDetails(details)
	if err != nil {
		return Entry{}, fmt.Errorf("audit: details: %w", err)
	}
	if tx.Dialect() == db.Postgres {
		// Taken before reading the head: two instances must not both extend
		// the same entry. SQLite's single writer already serialises this.
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock(?)", int64(appendLockKey)); err != nil {
			return Entry{}, fmt.Errorf("audit: lock: %w", err)
		}
	}
	seq, prev := int64(1), GenesisHash
	var lastSeq int64
	var lastHash string
	err = tx.QueryRow(ctx, "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").Scan(&lastSeq, &lastHash)
	switch {
	case err == nil:
		seq, prev = lastSeq+1, lastHash
	case !errors.Is(err, sql.ErrNoRows):
		return Entry{}, fmt.Errorf("audit: head: %w", err)
	}
	// Read after the lock so entries' times follow their order on one clock;
	// microseconds because PostgreSQL keeps no more and the hash must survive
	// the round trip.
	at := l.now().UTC().Truncate(time.Microsecond)
	e := Entry{Seq: seq, At: at, Actor: actor, Action: action, Target: target, PrevHash: prev}
	e.Hash = hashEntry(seq, at, actor, action, target, canon, prev)
	if e.Details, err = decodeDetails(canon); err != nil {
		return Entry{}, fmt.Errorf("audit: details: %w", err)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO audit_log(seq, at, actor, action, target, details, prev_hash, hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, seq, at, actor, action, target, canon, prev, e.Hash); err != nil {
		return Entry{}, fmt.Errorf("audit: append: %w", err)
	}
	return e, nil
}

// RecordNow appends an entry in a transaction of its own, for events that
// change nothing else (a failed login, a verification run).
func (l *Log) RecordNow(ctx context.Context, actor, action, target string, details map[string]any) (Entry, error) {
	var e Entry
	err := l.db.InTx(ctx, func(tx *db.Tx) error {
		var err error
		e, err = l.Record(ctx, tx, actor, action, target, details)
		return err
	})
	return e, err
}
