package operator

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/garde-privacy/garde/internal/audit"
	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/testutil/dbtest"
)

func TestMain(m *testing.M) { os.Exit(dbtest.Main(m)) }

// fastParams keep tests quick; they are real argon2id all the same. The
// production parameters have their own tests.
var fastParams = hashParams{Memory: 1024, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

const goodPassword = "correct horse battery"

// clock is a settable time source for Service.Now.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// env is a service over a fresh database with a fake clock and the real
// audit log.
type env struct {
	t     *testing.T
	d     *db.DB
	s     *Service
	log   *audit.Log
	clock *clock
}

func newEnv(t *testing.T, d *db.DB) *env {
	t.Helper()
	log := audit.New(d)
	e := &env{t: t, d: d, log: log, clock: &clock{t: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}}
	e.s = NewService(d, log, time.Hour)
	e.s.Now = e.clock.Now
	e.s.params = fastParams
	// Whatever a test did, the audit chain it left must verify.
	t.Cleanup(func() {
		brk, _, err := log.Verify(context.Background())
		if err != nil || brk != nil {
			t.Errorf("audit chain: break %v, err %v", brk, err)
		}
	})
	return e
}

func (e *env) create(email string, role Role) *Operator {
	e.t.Helper()
	o, err := e.s.Create(e.t.Context(), ActorCLI, NewOperator{Email: email, Name: "Test", Role: role, Password: goodPassword})
	if err != nil {
		e.t.Fatalf("create %s: %v", email, err)
	}
	return o
}

// entries returns the audit entries with this action, newest first.
func (e *env) entries(action string) []audit.Entry {
	e.t.Helper()
	out, err := e.log.List(e.t.Context(), audit.ListFilter{Action: action, Limit: 500})
	if err != nil {
		e.t.Fatal(err)
	}
	return out
}

func (e *env) count(q string, args ...any) int {
	e.t.Helper()
	var n int
	if err := e.d.QueryRow(e.t.Context(), q, args...).Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

func wantErr(t *testing.T, got, want error) {
	t.Helper()
	if !errors.Is(got, want) || (want == nil) != (got == nil) {
		t.Fatalf("error = %v, want %v", got, want)
	}
}

// detail is an audit detail as text (numbers come back as json.Number).
func detail(en audit.Entry, key string) string {
	v, ok := en.Details[key]
	if !ok || v == nil {
		return "<none>"
	}
	return fmt.Sprint(v)
}
