package consent

import (
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/testutil/dbtest"
)

// TestGroupCommit: choices recorded at once are all committed before
// their callers return, and an event that cannot be written fails alone.
func TestGroupCommit(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		s, _ := newTestService(t, d)
		s.now = time.Now
		const n = 200
		var wg sync.WaitGroup
		ids := make([]string, n)
		errs := make([]error, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				e, err := s.Record(t.Context(), ActorPublic, EventInput{DeviceID: fmt.Sprintf("dev-%d", i),
					Granted: []string{"analytics"}, Method: "express", Source: "banner"})
				errs[i] = err
				if err == nil {
					// Acknowledged means readable at once.
					got, gerr := s.Event(t.Context(), e.ID)
					if gerr != nil || got.DeviceID != fmt.Sprintf("dev-%d", i) {
						errs[i] = fmt.Errorf("not committed when acknowledged: %v", gerr)
					}
					ids[i] = e.ID
				}
			}()
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("event %d: %v", i, err)
			}
		}
		if c := count(t, d, "SELECT COUNT(*) FROM consent_events"); c != n {
			t.Fatalf("%d events stored", c)
		}
		for i := range n {
			st, err := s.Check(t.Context(), Holder{DeviceID: fmt.Sprintf("dev-%d", i)}, "analytics")
			if err != nil || st.Decision != Granted || st.EventID != ids[i] {
				t.Fatalf("device %d: state %+v %v", i, st, err)
			}
		}

		// A group with an event that collides with a stored one: the others
		// are still committed.
		dup := &Event{ID: ids[0], DeviceID: "x", Kind: KindChoice, Granted: []Purpose{Analytics}, Method: Express,
			Source: SourceBanner, Actor: ActorPublic, GivenAt: time.Now().UTC(), RecordedAt: time.Now().UTC()}
		ok := &Event{ID: newID(), DeviceID: "y", Kind: KindChoice, Granted: []Purpose{Analytics}, Method: Express,
			Source: SourceBanner, Actor: ActorPublic, GivenAt: time.Now().UTC(), RecordedAt: time.Now().UTC()}
		group := []*pendingEvent{{e: dup, done: make(chan error, 1)}, {e: ok, done: make(chan error, 1)}}
		s.writeGroup(t.Context(), group)
		if err := <-group[0].done; err == nil {
			t.Fatal("duplicate event written")
		}
		if err := <-group[1].done; err != nil {
			t.Fatalf("good event of a failed group: %v", err)
		}
		if _, err := s.Event(t.Context(), ok.ID); err != nil {
			t.Fatal(err)
		}
	})
}

// TestInsertEventsWritesEveryRowOnce: groups of every shape (one
// statement on the database alone, several in a transaction, sizes on
// both sides of a statement's limit) store each event once, whole.
func TestInsertEventsWritesEveryRowOnce(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		s, _ := newTestService(t, d)
		store := s.store.(*SQLStore)
		total := 0
		for _, n := range []int{1, 7, maxRows, maxRows + 1, 3*maxRows + 5} {
			for _, inTx := range []bool{false, true} {
				if !inTx && !store.OneStatement(n) {
					continue
				}
				events := make([]*Event, n)
				for i := range events {
					events[i] = variedEvent(fmt.Sprintf("dev-%d-%v-%d", n, inTx, i), i)
				}
				var err error
				if inTx {
					err = d.InTx(t.Context(), func(tx *db.Tx) error { return store.InsertEvents(t.Context(), tx, events) })
				} else {
					err = store.InsertEvents(t.Context(), d, events)
				}
				if err != nil {
					t.Fatalf("%d events, in a transaction %v: %v", n, inTx, err)
				}
				total += n
				for _, e := range events {
					got, err := s.Event(t.Context(), e.ID)
					if err != nil || !reflect.DeepEqual(got, e) {
						t.Fatalf("%d events, in a transaction %v: read back\n%+v\nwant\n%+v\n%v", n, inTx, got, e, err)
					}
				}
			}
		}
		if c := count(t, d, "SELECT COUNT(*) FROM consent_events"); c != total {
			t.Fatalf("%d rows stored, want %d", c, total)
		}
	})
}

// variedEvent makes the i-th of a group different from its neighbours in
// every column, so that a value written into the wrong column or row is
// seen when read back.
func variedEvent(device string, i int) *Event {
	given := time.Date(2026, 3, 1+i%28, 10, 4, 5, (i*7919%1_000_000)*1000, time.UTC)
	e := &Event{ID: newID(), DeviceID: device, Kind: KindChoice, Granted: []Purpose{Analytics}, Refused: []Purpose{Marketing},
		Method: Express, Source: SourceBanner, NoticeVersion: fmt.Sprintf("v%d-é", i), Language: []string{"fr", "en", "nl"}[i%3],
		GPC: i%2 == 1, Actor: ActorPublic, GivenAt: given, RecordedAt: given.Add(time.Duration(i) * time.Microsecond)}
	switch i % 4 {
	case 1:
		e.SubjectID = fmt.Sprintf("person-%d@example.org", i)
	case 2:
		e.Granted, e.Refused = []Purpose{Analytics, Preferences, Marketing}, []Purpose{}
		e.Kind, e.Method, e.Source = KindWithdrawal, OptOut, SourceAPI
	case 3:
		e.SiteID, e.Granted = "site-"+device, []Purpose{}
		e.GivenAt = time.Date(1999, 12, 31, 23, 59, 59, 999999000, time.UTC)
	}
	return e
}
