package requests

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/garde-privacy/garde/internal/audit"
	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/fulfil/dataset"
	"github.com/garde-privacy/garde/internal/fulfil/shoptest"
	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/testutil/dbtest"
)

// errID is the stable code of a service error, or its text.
func errID(err error) string {
	var le *i18n.Error
	if errors.As(err, &le) {
		return le.ID
	}
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}

func TestIdentitiesAreCheckedStoredAuditedAndPurged(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		agent := f.as(f.agent)
		rc := f.submit(input())
		phone := IdentityInput{Key: IdentityPhone, Value: "06 12 34 56 78", Method: IdentityCall}

		if _, err := f.svc.AddIdentity(f.ctx, agent, rc.ID, phone); !errors.Is(err, ErrIdentityNotVerified) {
			t.Fatalf("before verification: %v", err)
		}
		if err := f.svc.VerifyManually(f.ctx, agent, rc.ID, "Rappel au numéro du compte"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.AddIdentity(f.ctx, f.as(f.viewer), rc.ID, phone); !errors.Is(err, ErrForbidden) {
			t.Fatalf("viewer: %v", err)
		}
		if _, err := f.svc.AddIdentity(f.ctx, agent, "not-a-request", phone); !errors.Is(err, ErrNotFound) {
			t.Fatalf("unknown request: %v", err)
		}

		bad := []struct {
			name string
			in   IdentityInput
			want string
		}{
			{"email key", IdentityInput{Key: "email", Value: "other@example.org", Method: IdentityDocument}, "identities.error.key_email"},
			{"upper-case key", IdentityInput{Key: "Customer-ID", Value: "C-1", Method: IdentityDocument}, "identities.error.key_invalid"},
			{"SQL in key", IdentityInput{Key: "id; DROP TABLE customers", Value: "1", Method: IdentityDocument}, "identities.error.key_invalid"},
			{"empty key", IdentityInput{Key: " ", Value: "1", Method: IdentityDocument}, "identities.error.key_invalid"},
			{"long key", IdentityInput{Key: "k" + strings.Repeat("x", 40), Value: "1", Method: IdentityDocument}, "identities.error.key_invalid"},
			{"empty value", IdentityInput{Key: IdentityCustomerID, Value: "  ", Method: IdentityDocument}, "identities.error.value_required"},
			{"long value", IdentityInput{Key: IdentityCustomerID, Value: strings.Repeat("9", MaxIdentityValueLen+1), Method: IdentityDocument}, "identities.error.value_long"},
			{"two lines", IdentityInput{Key: IdentityCustomerID, Value: "C-1\nC-2", Method: IdentityDocument}, ErrTextInvalid.ID},
			{"not a phone", IdentityInput{Key: IdentityPhone, Value: "call me maybe", Method: IdentityCall}, "identities.error.phone_invalid"},
			{"no method", IdentityInput{Key: IdentityCustomerID, Value: "C-1"}, ErrMethodInvalid.ID},
			{"unknown method", IdentityInput{Key: IdentityCustomerID, Value: "C-1", Method: "telepathy"}, ErrMethodInvalid.ID},
		}
		for _, c := range bad {
			_, err := f.svc.AddIdentity(f.ctx, agent, rc.ID, c.in)
			if got := errID(err); got != c.want {
				t.Errorf("%s: %s, want %s", c.name, got, c.want)
				continue
			}
			// Each refusal reads differently in each language, and is
			// never the bare code.
			le := err.(*i18n.Error)
			seen := map[string]bool{}
			for _, l := range []i18n.Lang{i18n.EN, i18n.FR, i18n.NL} {
				msg := le.Localize(cat.For(l))
				if msg == "" || msg == le.ID || seen[msg] {
					t.Errorf("%s in %s: %q", c.name, l, msg)
				}
				seen[msg] = true
			}
		}
		if ids, _ := f.svc.Identities(f.ctx, rc.ID); len(ids) != 0 {
			t.Fatalf("refused identities were stored: %+v", ids)
		}

		got, err := f.svc.AddIdentity(f.ctx, agent, rc.ID, phone)
		if err != nil {
			t.Fatal(err)
		}
		// A French national number, read in the request's region.
		if got.Value != "+33612345678" {
			t.Errorf("phone stored as %q", got.Value)
		}
		if _, err := f.svc.AddIdentity(f.ctx, agent, rc.ID, IdentityInput{Key: "loyalty_card", Value: "LC 0042", Method: IdentityDocument, Note: "Carte présentée en magasin"}); err != nil {
			t.Fatal(err)
		}
		_, err = f.svc.AddIdentity(f.ctx, agent, rc.ID, IdentityInput{Key: IdentityPhone, Value: "+32 470 00 00 02", Method: IdentityCall})
		if errID(err) != "identities.error.duplicate" {
			t.Errorf("a second phone number: %v", err)
		}
		ids, err := f.svc.Identities(f.ctx, rc.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(ids) != 2 || ids[0].Key != "loyalty_card" || ids[0].Value != "LC 0042" || ids[0].Note != "Carte présentée en magasin" ||
			ids[1].Key != IdentityPhone || ids[1].Method != IdentityCall || ids[1].AddedBy != agent.String() {
			t.Fatalf("identities %+v", ids)
		}

		// The runs take the email and what the dataset declares: the shop
		// knows phone numbers, not loyalty cards.
		ds, err := dataset.Parse("shop.yaml", []byte(shoptest.Dataset))
		if err != nil {
			t.Fatal(err)
		}
		set, err := dataset.Check(ds)
		if err != nil {
			t.Fatal(err)
		}
		pids, err := f.svc.PlanIdentities(f.ctx, &AutomaticTask{RequestID: rc.ID, Email: "jo.martin@example.fr"}, set)
		if err != nil {
			t.Fatal(err)
		}
		if len(pids) != 2 || pids[0].Key != "email" || pids[0].Value != "jo.martin@example.fr" ||
			pids[1].Key != IdentityPhone || pids[1].Value != "+33612345678" {
			t.Errorf("plan identities %+v", pids)
		}

		// Audited by key and method, never by value; on the timeline.
		entries, err := f.audit.List(f.ctx, audit.ListFilter{Limit: 10, Action: "request.identity_added"})
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != 2 {
			t.Fatalf("%d request.identity_added entries", len(entries))
		}
		for _, e := range entries {
			b, _ := json.Marshal(e)
			if strings.Contains(string(b), "33612345678") || strings.Contains(string(b), "LC 0042") {
				t.Errorf("the audit log holds an identity's value: %s", b)
			}
			if !strings.Contains(string(b), `"method"`) || !strings.Contains(string(b), `"key"`) {
				t.Errorf("audit entry without key or method: %s", b)
			}
		}
		events, err := f.svc.Timeline(f.ctx, rc.ID)
		if err != nil {
			t.Fatal(err)
		}
		added := 0
		for _, e := range events {
			if e.Kind == EventIdentityAdded {
				added++
			}
		}
		if added != 2 {
			t.Errorf("%d identity_added events", added)
		}

		if err := f.svc.RemoveIdentity(f.ctx, agent, rc.ID, "loyalty_card"); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.RemoveIdentity(f.ctx, agent, rc.ID, "loyalty_card"); !errors.Is(err, ErrIdentityNotFound) {
			t.Errorf("removed twice: %v", err)
		}
		if ids, _ := f.svc.Identities(f.ctx, rc.ID); len(ids) != 1 || ids[0].Key != IdentityPhone {
			t.Errorf("after removal %+v", ids)
		}

		// Closed, the request takes no more; purged, its identities go.
		if err := f.svc.Close(f.ctx, agent, rc.ID, OutcomeWithdrawn, "Withdrawn by phone."); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.AddIdentity(f.ctx, agent, rc.ID, IdentityInput{Key: IdentityCustomerID, Value: "C-1", Method: IdentityDocument}); !errors.Is(err, ErrClosed) {
			t.Errorf("closed request: %v", err)
		}
		if _, err := f.db.Exec(f.ctx, "UPDATE mail_outbox SET status = 'sent'"); err != nil {
			t.Fatal(err)
		}
		f.clock.Set(f.get(rc.ID).ClosedAt.AddDate(2, 0, 1).Add(time.Hour))
		if n, err := f.svc.PurgeExpired(f.ctx); err != nil || n != 1 {
			t.Fatalf("purge: %d %v", n, err)
		}
		var left int
		if err := d.QueryRow(f.ctx, "SELECT COUNT(*) FROM request_identities").Scan(&left); err != nil || left != 0 {
			t.Errorf("%d identities left after the purge (%v)", left, err)
		}
	})
}

// The identity check holds additions until an agent confirms who the
// person is.
func TestIdentitiesWaitForTheIdentityCheck(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		agent := f.as(f.agent)
		rc := f.submit(input())
		if err := f.svc.VerifyManually(f.ctx, agent, rc.ID, "Rappel au numéro du compte"); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.StartIdentityCheck(f.ctx, agent, rc.ID, "The email differs from the account's."); err != nil {
			t.Fatal(err)
		}
		in := IdentityInput{Key: IdentityAccountID, Value: "acct-42", Method: IdentityDocument}
		if _, err := f.svc.AddIdentity(f.ctx, agent, rc.ID, in); !errors.Is(err, ErrIdentityNotVerified) {
			t.Fatalf("during the identity check: %v", err)
		}
		if err := f.svc.ConfirmIdentity(f.ctx, agent, rc.ID, IdentityDocument, "Passport seen."); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.AddIdentity(f.ctx, agent, rc.ID, in); err != nil {
			t.Fatalf("after the identity check: %v", err)
		}
	})
}
