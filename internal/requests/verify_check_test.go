package requests

import (
	"errors"
	"testing"
	"time"

	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/testutil/dbtest"
)

// TestCheckVerificationToken: checking a link changes nothing, and says
// invalid exactly where the link would not verify.
func TestCheckVerificationToken(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		rc := f.submit(input())
		token := linkToken(t, f.lastMail(jo, TemplateVerify).Text, PathVerify)
		for range 2 {
			if err := f.svc.CheckVerificationToken(f.ctx, token); err != nil {
				t.Fatalf("check: %v", err)
			}
		}
		if r := f.get(rc.ID); r.State != StateReceived || r.VerifiedAt != nil {
			t.Fatalf("checking the link verified the request: %+v", r)
		}
		if a := f.auditActions(rc.ID); len(a) != 1 {
			t.Fatalf("audit after checking %v", a)
		}
		for _, bad := range []string{"", "nope", token + "x"} {
			if err := f.svc.CheckVerificationToken(f.ctx, bad); !errors.Is(err, ErrVerificationInvalid) {
				t.Errorf("check %q: %v", bad, err)
			}
		}
		// Once verified the link still works (it reports AlreadyVerified);
		// past the verification period it does not.
		if _, err := f.svc.VerifyByToken(f.ctx, token); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.CheckVerificationToken(f.ctx, token); err != nil {
			t.Fatalf("check after verification: %v", err)
		}
		f.clock.Add(VerificationTTL + time.Minute)
		if err := f.svc.CheckVerificationToken(f.ctx, token); !errors.Is(err, ErrVerificationInvalid) {
			t.Fatalf("check after the verification period: %v", err)
		}
	})
}
