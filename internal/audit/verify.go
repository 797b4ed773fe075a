package audit

import (
	"context"
	"fmt"
)

// Reasons a chain breaks, as stable codes for the CLI and the API.
const (
	// ReasonChanged: the entry's stored hash does not match its content.
	ReasonChanged = "changed"
	// ReasonReorderedOrRemoved: the entry does not follow the one before it
	// (a seq is missing, or its previous hash is not the previous entry's).
	ReasonReorderedOrRemoved = "reordered_or_removed"
)

// Break is the first place where the chain does not hold.
type Break struct {
	Seq    int64
	Reason string
}

func (b *Break) String() string { return fmt.Sprintf("entry %d: %s", b.Seq, b.Reason) }

// Verify walks the whole log in order and returns the first break, or nil
// when every entry follows the one before it and matches its hash, plus the
// number of entries read. Entries removed from the end leave no trace in the
// log itself; compare with an earlier Head to catch those.
func (l *Log) Verify(ctx context.Context) (*Break, int64, error) {
	// Rows are streamed: the log may be far larger than memory.
	rows, err := l.db.Query(ctx, "SELECT seq, at, actor, action, target, details, prev_hash, hash FROM audit_log ORDER BY seq")
	if err != nil {
		return nil, 0, fmt.Errorf("audit: verify: %w", err)
	}
	defer rows.Close()
	var n, prevSeq int64
	prevHash := GenesisHash
	for rows.Next() {
		r, err := scanRow(rows)
		if err != nil {
			return nil, n, fmt.Errorf("audit: verify: %w", err)
		}
		n++
		if r.seq != prevSeq+1 {
			// Name the first missing entry (or the out-of-place one).
			return &Break{Seq: min(r.seq, prevSeq+1), Reason: ReasonReorderedOrRemoved}, n, nil
		}
		if r.prevHash != prevHash {
			return &Break{Seq: r.seq, Reason: ReasonReorderedOrRemoved}, n, nil
		}
		canon, err := recanonicalize(r.details)
		if err != nil || hashEntry(r.seq, r.at, r.actor, r.action, r.target, canon, r.prevHash) != r.hash {
			return &Break{Seq: r.seq, Reason: ReasonChanged}, n, nil
		}
		prevSeq, prevHash = r.seq, r.hash
	}
	if err := rows.Err(); err != nil {
		return nil, n, fmt.Errorf("audit: verify: %w", err)
	}
	return nil, n, nil
}
