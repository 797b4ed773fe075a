package consent

import (
	"bytes"
	"log/slog"
	"slices"
	"testing"

	"github.com/garde-privacy/garde/internal/audit"
	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/fulfil/suppress"
	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/jobs"
	"github.com/garde-privacy/garde/internal/mail"
	"github.com/garde-privacy/garde/internal/operator"
	"github.com/garde-privacy/garde/internal/requests"
	"github.com/garde-privacy/garde/internal/rules"
	"github.com/garde-privacy/garde/internal/testutil/dbtest"
)

// TestCheckHonoursRequests: a person who objected, or asked for
// restriction, by a request they confirmed is on the suppression list and
// refused by the check even where the ledger says granted; an unconfirmed
// request changes nothing.
func TestCheckHonoursRequests(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		quiet := slog.New(slog.DiscardHandler)
		al := audit.New(d)
		q := jobs.New(d, quiet)
		ob := mail.NewOutbox(d, q, i18n.MustLoad(), nil, quiet)
		rs := requests.NewService(requests.Deps{DB: d, Queue: q, Audit: al, Outbox: ob, Operators: operator.NewService(d, al, 0),
			Log: quiet, Deadlines: requests.NewRulesDeadlines(rules.Embedded(), "FR", nil), BaseURL: "https://privacy.example.org"})
		if err := q.Build(jobs.Options{}); err != nil {
			t.Fatal(err)
		}
		list, err := suppress.New(suppress.Deps{DB: d, Audit: al, Requests: rs, Key: bytes.Repeat([]byte{7}, 32)})
		if err != nil {
			t.Fatal(err)
		}
		s := NewService(Deps{DB: d, Audit: al, Restrictions: ListRestrictions{List: list}})
		submit := func(email string, typ requests.Type, verified bool) {
			t.Helper()
			if _, err := rs.Submit(ctx, requests.SubmitInput{Email: email, Name: "Jo", Subject: "Stop", Type: typ,
				Description: "Please stop.", Region: "FR", Language: i18n.FR},
				requests.SubmitMeta{Source: requests.SourceAPI, Actor: requests.TokenActor("t1"), Verified: verified}); err != nil {
				t.Fatal(err)
			}
		}
		for _, email := range []string{"obj@example.fr", "res@example.fr", "unverified@example.fr"} {
			if _, err := s.Record(ctx, "token:t1", EventInput{SubjectID: email, Granted: []string{"analytics", "marketing"},
				Method: "express", Source: "form"}); err != nil {
				t.Fatal(err)
			}
		}
		submit("obj@example.fr", requests.TypeObjection, true)
		submit("res@example.fr", requests.TypeRestriction, true)
		submit("unverified@example.fr", requests.TypeRestriction, false)

		for _, c := range []struct {
			email, purpose string
			want           Decision
			restricted     bool
		}{
			{"obj@example.fr", "marketing", Refused, true},
			{"obj@example.fr", "analytics", Granted, false},
			{"res@example.fr", "analytics", Refused, true},
			{"res@example.fr", "necessary", Granted, false},
			{"unverified@example.fr", "marketing", Granted, false},
		} {
			st, err := s.Check(ctx, Holder{SubjectID: c.email}, c.purpose)
			if err != nil || st.Decision != c.want || st.Restricted != c.restricted {
				t.Errorf("%s %s: %+v %v", c.email, c.purpose, st, err)
			}
		}
	})
}

// TestSuppressPurposesAreTheLedgers: the purposes the suppression list
// offers and stops by default are purposes the ledger knows, so a stopped
// purpose always matches what the check is asked about.
func TestSuppressPurposesAreTheLedgers(t *testing.T) {
	known := append(slices.Clone(DefaultPurposes), Newsletter, Sensitive)
	for _, p := range suppress.KnownPurposes {
		if !slices.Contains(known, Purpose(p)) {
			t.Errorf("suppress offers %q, unknown to the ledger", p)
		}
	}
	for _, typ := range []requests.Type{requests.TypeObjection, requests.TypeOptOutSale, requests.TypeLimitSensitive} {
		ps, ok := suppress.DefaultPurposes(typ)
		if !ok || len(ps) == 0 {
			t.Errorf("%s stops nothing", typ)
		}
		for _, p := range ps {
			if !slices.Contains(known, Purpose(p)) {
				t.Errorf("%s stops %q, unknown to the ledger", typ, p)
			}
		}
	}
	if !slices.Contains(OptOutPurposes, SaleSharing) || Necessary != suppress.Necessary {
		t.Error("the ledger's opt-out or necessary purpose changed")
	}
}
