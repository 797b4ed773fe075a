package consent

import (
	"fmt"
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

// TestChunksCoverTheGroup: both ways of cutting a group into statements
// cover every row once, in order; PostgreSQL's uses the fewest statements.
func TestChunksCoverTheGroup(t *testing.T) {
	for n := range 300 {
		for name, split := range map[string]func(int, func(int, int) error) error{"fixed": chunks, "exact": exactChunks} {
			next, calls := 0, 0
			split(n, func(off, size int) error {
				if off != next || size < 1 || size > chunkSizes[0] {
					t.Fatalf("%s %d: chunk [%d, %d) after %d", name, n, off, off+size, next)
				}
				next, calls = off+size, calls+1
				return nil
			})
			if next != n {
				t.Fatalf("%s %d: covered %d rows", name, n, next)
			}
			if name == "exact" && calls != (n+chunkSizes[0]-1)/chunkSizes[0] {
				t.Fatalf("exact %d: %d statements", n, calls)
			}
		}
	}
}
