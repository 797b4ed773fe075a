package audit

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/testutil/dbtest"
)

func TestMain(m *testing.M) { os.Exit(dbtest.Main(m)) }

// record appends n entries and returns them in order.
func record(t *testing.T, l *Log, n int) []Entry {
	t.Helper()
	var out []Entry
	for i := 1; i <= n; i++ {
		e, err := l.RecordNow(context.Background(), fmt.Sprintf("operator:op%d", i), "thing.done", fmt.Sprintf("thing:%d", i),
			map[string]any{"i": i, "note": "<b>é & ü</b>", "nested": map[string]any{"z": 1, "a": []any{"x", 2.5}}})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, e)
	}
	return out
}

func wantBreak(t *testing.T, l *Log, seq int64, reason string) {
	t.Helper()
	b, _, err := l.Verify(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if b == nil {
		t.Fatalf("Verify found no break, want %d %s", seq, reason)
	}
	if b.Seq != seq || b.Reason != reason {
		t.Fatalf("Verify = %s, want entry %d: %s", b, seq, reason)
	}
}

func exec(t *testing.T, d *db.DB, q string, args ...any) {
	t.Helper()
	if _, err := d.Exec(context.Background(), q, args...); err != nil {
		t.Fatal(err)
	}
}

func TestChainVerifies(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		l := New(d)
		b, n, err := l.Verify(ctx)
		if err != nil || b != nil || n != 0 {
			t.Fatalf("empty log: %v %d %v", b, n, err)
		}
		at := time.Date(2026, 3, 1, 10, 0, 0, 123456789, time.FixedZone("CET", 3600))
		e1, err := l.RecordNow(ctx, "cli", "config.checked", "", map[string]any{
			"big":  int64(math.MaxInt64),
			"when": at,
			"html": "<script>&</script>",
		})
		if err != nil {
			t.Fatal(err)
		}
		rest := record(t, l, 4)
		all := append([]Entry{e1}, rest...)
		for i, e := range all {
			if e.Seq != int64(i+1) {
				t.Fatalf("entry %d has seq %d", i, e.Seq)
			}
			want := GenesisHash
			if i > 0 {
				want = all[i-1].Hash
			}
			if e.PrevHash != want || len(e.Hash) != 64 {
				t.Fatalf("entry %d: prev %s hash %s", i, e.PrevHash, e.Hash)
			}
			if e.At.Nanosecond()%1000 != 0 || e.At.Location() != time.UTC {
				t.Fatalf("entry %d: at %v not UTC microseconds", i, e.At)
			}
		}
		b, n, err = l.Verify(ctx)
		if err != nil || b != nil || n != 5 {
			t.Fatalf("Verify = %v, %d, %v; want nil, 5", b, n, err)
		}

		// What List reads back is what Record returned.
		got, err := l.List(ctx, ListFilter{})
		if err != nil || len(got) != 5 {
			t.Fatalf("List: %d %v", len(got), err)
		}
		if got[4].Seq != 1 || got[0].Seq != 5 {
			t.Fatalf("List not newest first: %d..%d", got[0].Seq, got[4].Seq)
		}
		first := got[4]
		if !first.At.Equal(e1.At) || first.Hash != e1.Hash {
			t.Fatalf("round trip: %v %s, recorded %v %s", first.At, first.Hash, e1.At, e1.Hash)
		}
		if first.Details["big"] != json.Number("9223372036854775807") {
			t.Fatalf("big number came back as %#v", first.Details["big"])
		}
		if first.Details["when"] != "2026-03-01T10:00:00.123456789+01:00" || first.Details["html"] != "<script>&</script>" {
			t.Fatalf("details came back as %#v", first.Details)
		}
		head, ok, err := l.Head(ctx)
		if err != nil || !ok || head.Seq != 5 || head.Hash != all[4].Hash {
			t.Fatalf("Head = %v %v %v", head.Seq, ok, err)
		}
	})
}

func TestChangedEntryIsNamed(t *testing.T) {
	cases := []struct {
		name   string
		update func(t *testing.T, d *db.DB, e Entry)
	}{
		{"details", func(t *testing.T, d *db.DB, e Entry) {
			exec(t, d, `UPDATE audit_log SET details = '{"i":99}' WHERE seq = ?`, e.Seq)
		}},
		{"actor", func(t *testing.T, d *db.DB, e Entry) {
			exec(t, d, "UPDATE audit_log SET actor = 'operator:someone-else' WHERE seq = ?", e.Seq)
		}},
		{"at", func(t *testing.T, d *db.DB, e Entry) {
			exec(t, d, "UPDATE audit_log SET at = ? WHERE seq = ?", e.At.Add(time.Second), e.Seq)
		}},
		{"target", func(t *testing.T, d *db.DB, e Entry) {
			exec(t, d, "UPDATE audit_log SET target = '' WHERE seq = ?", e.Seq)
		}},
		{"unreadable details", func(t *testing.T, d *db.DB, e Entry) {
			exec(t, d, "UPDATE audit_log SET details = 'not json' WHERE seq = ?", e.Seq)
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
				l := New(d)
				entries := record(t, l, 5)
				tc.update(t, d, entries[2])
				wantBreak(t, l, 3, ReasonChanged)
			})
		})
	}
}

// Rewriting an entry together with its own hash does not help: the next
// entry still points at the old hash.
func TestRehashedEntryBreaksTheNext(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		l := New(d)
		entries := record(t, l, 5)
		e := entries[2]
		forged := hashEntry(e.Seq, e.At, "operator:forger", e.Action, e.Target, `{"i":3}`, e.PrevHash)
		exec(t, d, `UPDATE audit_log SET actor = 'operator:forger', details = '{"i":3}', hash = ? WHERE seq = ?`, forged, e.Seq)
		wantBreak(t, l, 4, ReasonReorderedOrRemoved)
	})
}

// The same JSON spaced differently is the same content.
func TestReformattedDetailsStillVerify(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		l := New(d)
		e, err := l.RecordNow(context.Background(), "system", "x.y", "", map[string]any{"b": 1, "a": "z"})
		if err != nil {
			t.Fatal(err)
		}
		exec(t, d, `UPDATE audit_log SET details = ? WHERE seq = ?`, "{ \"b\" : 1,\n \"a\" : \"z\" }", e.Seq)
		if b, _, err := l.Verify(context.Background()); err != nil || b != nil {
			t.Fatalf("Verify = %v, %v", b, err)
		}
	})
}

func TestRemovedEntryIsNamed(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		l := New(d)
		record(t, l, 5)
		exec(t, d, "DELETE FROM audit_log WHERE seq = 3")
		wantBreak(t, l, 3, ReasonReorderedOrRemoved)
	})
}

func TestRemovedAndRenumberedEntryIsNamed(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		l := New(d)
		record(t, l, 5)
		exec(t, d, "DELETE FROM audit_log WHERE seq = 3")
		exec(t, d, "UPDATE audit_log SET seq = seq - 1 WHERE seq = 4")
		exec(t, d, "UPDATE audit_log SET seq = seq - 1 WHERE seq = 5")
		wantBreak(t, l, 3, ReasonReorderedOrRemoved)
	})
}

func TestRemovedFirstEntryIsNamed(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		l := New(d)
		record(t, l, 3)
		exec(t, d, "DELETE FROM audit_log WHERE seq = 1")
		wantBreak(t, l, 1, ReasonReorderedOrRemoved)
	})
}

func TestSwappedEntriesAreNamed(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		l := New(d)
		entries := record(t, l, 5)
		a, b := entries[1], entries[2]
		put := func(seq int64, e Entry) {
			details, _ := canonicalDetails(e.Details)
			exec(t, d, `UPDATE audit_log SET at = ?, actor = ?, action = ?, target = ?, details = ?, prev_hash = ?, hash = ? WHERE seq = ?`,
				e.At, e.Actor, e.Action, e.Target, details, e.PrevHash, e.Hash, seq)
		}
		put(a.Seq, b)
		put(b.Seq, a)
		wantBreak(t, l, 2, ReasonReorderedOrRemoved)
	})
}

func TestRolledBackEntryLeavesNoTrace(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		l := New(d)
		record(t, l, 2)
		boom := errors.New("boom")
		err := d.InTx(ctx, func(tx *db.Tx) error {
			e, err := l.Record(ctx, tx, "cli", "doomed.action", "", nil)
			if err != nil {
				return err
			}
			if e.Seq != 3 {
				t.Errorf("seq in tx = %d", e.Seq)
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatal(err)
		}
		if got, _ := l.List(ctx, ListFilter{Action: "doomed.action"}); len(got) != 0 {
			t.Fatalf("rolled-back entry listed: %+v", got)
		}
		e, err := l.RecordNow(ctx, "cli", "after.rollback", "", nil)
		if err != nil || e.Seq != 3 {
			t.Fatalf("next entry: seq %d, %v", e.Seq, err)
		}
		if b, n, err := l.Verify(ctx); err != nil || b != nil || n != 3 {
			t.Fatalf("Verify = %v %d %v", b, n, err)
		}
	})
}

func TestConcurrentAppendsKeepTheChain(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		// Two logs on one database stand for two instances.
		logs := []*Log{New(d), New(d)}
		const n = 20
		var wg sync.WaitGroup
		errs := make(chan error, n)
		for i := range n {
			wg.Go(func() {
				_, err := logs[i%2].RecordNow(ctx, "system", "concurrent.append", fmt.Sprint(i), map[string]any{"i": i})
				errs <- err
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		b, count, err := logs[0].Verify(ctx)
		if err != nil || b != nil || count != n {
			t.Fatalf("Verify = %v, %d, %v; want nil, %d", b, count, err, n)
		}
		entries, err := logs[0].List(ctx, ListFilter{})
		if err != nil || len(entries) != n {
			t.Fatalf("List: %d, %v", len(entries), err)
		}
		for i, e := range entries {
			if e.Seq != int64(n-i) {
				t.Fatalf("seq %d at position %d: not gapless", e.Seq, i)
			}
		}
	})
}

func TestListFilters(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		l := New(d)
		for i := range 7 {
			action := "a.even"
			if i%2 == 1 {
				action = "a.odd"
			}
			if _, err := l.RecordNow(ctx, fmt.Sprintf("operator:%d", i%3), action, "", nil); err != nil {
				t.Fatal(err)
			}
		}
		seqs := func(f ListFilter) []int64 {
			t.Helper()
			es, err := l.List(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			var s []int64
			for _, e := range es {
				s = append(s, e.Seq)
			}
			return s
		}
		check := func(f ListFilter, want ...int64) {
			t.Helper()
			if got := seqs(f); fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("List(%+v) = %v, want %v", f, got, want)
			}
		}
		check(ListFilter{Limit: 3}, 7, 6, 5)
		check(ListFilter{Limit: 3, BeforeSeq: 5}, 4, 3, 2)
		check(ListFilter{Action: "a.odd"}, 6, 4, 2)
		check(ListFilter{Actor: "operator:0"}, 7, 4, 1)
		check(ListFilter{Actor: "operator:0", Action: "a.even", BeforeSeq: 7}, 1)
		check(ListFilter{Action: "none"})
		check(ListFilter{Limit: 100000}, 7, 6, 5, 4, 3, 2, 1)
	})
}

func TestListLimitIsCapped(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		l := New(d)
		err := d.InTx(ctx, func(tx *db.Tx) error {
			for range maxLimit + 5 {
				if _, err := l.Record(ctx, tx, "system", "bulk", "", nil); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct{ limit, want int }{{0, defaultLimit}, {-1, defaultLimit}, {10, 10}, {1 << 30, maxLimit}} {
			es, err := l.List(ctx, ListFilter{Limit: tc.limit})
			if err != nil || len(es) != tc.want {
				t.Errorf("Limit %d gave %d entries (%v), want %d", tc.limit, len(es), err, tc.want)
			}
		}
		if b, n, err := l.Verify(ctx); err != nil || b != nil || n != maxLimit+5 {
			t.Fatalf("Verify = %v %d %v", b, n, err)
		}
	})
}

func TestBadInputIsRejected(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		l := New(d)
		if _, err := l.RecordNow(ctx, "", "x", "", nil); err == nil {
			t.Error("empty actor accepted")
		}
		if _, err := l.RecordNow(ctx, "cli", " ", "", nil); err == nil {
			t.Error("blank action accepted")
		}
		if _, err := l.RecordNow(ctx, "cli", "x", "", map[string]any{"f": math.NaN()}); err == nil {
			t.Error("unencodable details accepted")
		}
		if es, _ := l.List(ctx, ListFilter{}); len(es) != 0 {
			t.Fatalf("rejected input left %d entries", len(es))
		}
	})
}

// Field boundaries are part of the hash: moving bytes from one field to the
// next changes it.
func TestHashEncodingIsUnambiguous(t *testing.T) {
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	a := hashEntry(1, at, "ab", "c", "", "{}", GenesisHash)
	b := hashEntry(1, at, "a", "bc", "", "{}", GenesisHash)
	c := hashEntry(1, at, "a", "b", "c", "{}", GenesisHash)
	if a == b || b == c || a == c {
		t.Fatal("different field splits hash alike")
	}
	if hashEntry(1, at, "a", "b", "", "{}", GenesisHash) != hashEntry(1, at.In(time.FixedZone("X", 7200)), "a", "b", "", "{}", GenesisHash) {
		t.Fatal("the same instant in another zone hashes differently")
	}
}
