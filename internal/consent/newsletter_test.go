package consent

import (
	"log/slog"
	"maps"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/garde-privacy/garde/internal/audit"
	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/jobs"
	"github.com/garde-privacy/garde/internal/mail"
	"github.com/garde-privacy/garde/internal/testutil/dbtest"
)

const subscriberList = `email,name,subscribed_at,how_added
ana@example.org,Ana,2019-05-31,active
bo@example.org,Bo,2017-01-02T10:00:00Z,passive
cy@example.org,,,
Ana@Example.org,Ana again,,active
not-an-address,X,,passive
dee@example.org,Dee,,bought
eve@example.org,Eve,2999-01-01,passive
`

var confirmLink = regexp.MustCompile(`/privacy/newsletter/confirm\?token=([A-Za-z0-9_-]+)`)

// TestNewsletterRepermission follows a campaign on both engines: import
// and classify, ask the passive and unknown subscribers through the
// outbox within the hourly cap, record a confirmation as express consent,
// archive who did not answer by the deadline, keep archived addresses out
// of later imports, and count each stage.
func TestNewsletterRepermission(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		quiet := slog.New(slog.DiscardHandler)
		q := jobs.New(d, quiet)
		ob := mail.NewOutbox(d, q, i18n.MustLoad(), nil, quiet)
		if err := q.Build(jobs.Options{}); err != nil {
			t.Fatal(err)
		}
		clk := &clock{t: time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)}
		s := NewService(Deps{DB: d, Audit: audit.New(d), Outbox: ob, BaseURL: "https://privacy.shop.example/", Now: clk.now})
		s.perHour = 1

		res, err := s.ImportSubscribers(ctx, "operator:o1", strings.NewReader(subscriberList))
		if err != nil {
			t.Fatal(err)
		}
		lines := map[int]string{}
		for _, le := range res.Errors {
			lines[le.Line] = le.Err.ID
		}
		if res.Rows != 7 || res.Subscribed != 1 || res.ToAsk != 2 || res.Skipped != 1 || !maps.Equal(lines, map[int]string{
			6: "consent.error.email_invalid", 7: "consent.error.how_added_invalid", 8: "consent.error.subscribed_at_invalid"}) {
			t.Fatalf("import: %+v %v", res, lines)
		}
		st, _ := s.Check(ctx, Holder{SubjectID: "ana@example.org"}, "newsletter")
		if st.Decision != Granted || !st.DecidedAt.Equal(time.Date(2019, 5, 31, 0, 0, 0, 0, time.UTC)) {
			t.Fatalf("active subscriber: %+v", st)
		}
		if st, _ := s.Check(ctx, Holder{SubjectID: "bo@example.org"}, "newsletter"); st.Decision != None {
			t.Fatalf("passive subscriber has consent: %+v", st)
		}
		if _, err := s.ImportSubscribers(ctx, "operator:o1", strings.NewReader("mail;nom\nx@y.z;X\n")); err != ErrImportHeader {
			t.Fatalf("bad header: %v", err)
		}

		// One email per hour here: the second waits for the next hour.
		for i, want := range []int{1, 0} {
			n, err := s.SendRepermission(ctx, "operator:o1", i18n.FR, 10)
			if err != nil || n != want {
				t.Fatalf("send %d: %d %v", i, n, err)
			}
		}
		clk.t = clk.t.Add(61 * time.Minute)
		if n, err := s.SendRepermission(ctx, "operator:o1", i18n.FR, 10); err != nil || n != 1 {
			t.Fatalf("send after an hour: %d %v", n, err)
		}
		tokens := map[string]string{}
		rows, err := d.Query(ctx, "SELECT to_addr, subject, body_text FROM mail_outbox WHERE template = ?", TemplateRepermission)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var to, subject, body string
			if err := rows.Scan(&to, &subject, &body); err != nil {
				t.Fatal(err)
			}
			m := confirmLink.FindStringSubmatch(body)
			if m == nil || subject != i18n.MustLoad().For(i18n.FR).T("consent.mail.repermission.subject") ||
				!strings.Contains(body, "https://privacy.shop.example/privacy/newsletter/confirm?token=") {
				t.Fatalf("email to %s: %s\n%s", to, subject, body)
			}
			tokens[to] = m[1]
		}
		rows.Close()
		if len(tokens) != 2 || tokens["bo@example.org"] == "" || tokens["cy@example.org"] == "" {
			t.Fatalf("emails: %v", tokens)
		}

		if _, err := s.ConfirmSubscription(ctx, "forged", "fr"); err != ErrLinkInvalid {
			t.Fatalf("forged link: %v", err)
		}
		sub, err := s.ConfirmSubscription(ctx, tokens["bo@example.org"], "fr")
		if err != nil || sub.Status != SubConfirmed {
			t.Fatalf("confirm: %+v %v", sub, err)
		}
		hist, _ := s.History(ctx, Holder{SubjectID: "bo@example.org"}, 0)
		if len(hist) != 1 || hist[0].Method != Express || hist[0].Source != SourceForm || hist[0].Granted[0] != Newsletter {
			t.Fatalf("confirmation in the ledger: %+v", hist)
		}

		// Before the deadline nobody is archived; after it, Cy is.
		if n, err := s.ArchiveUnconfirmed(ctx, "operator:o1"); err != nil || n != 0 {
			t.Fatalf("early archive: %d %v", n, err)
		}
		clk.t = clk.t.AddDate(0, 0, DefaultRepermissionDays+1)
		if n, err := s.ArchiveUnconfirmed(ctx, "operator:o1"); err != nil || n != 1 {
			t.Fatalf("archive: %d %v", n, err)
		}
		res, err = s.ImportSubscribers(ctx, "operator:o1", strings.NewReader("email,name,subscribed_at,how_added\ncy@example.org,Cy,,active\n"))
		if err != nil || res.Skipped != 1 || res.Subscribed != 0 {
			t.Fatalf("re-import of an archived address: %+v %v", res, err)
		}
		counts, err := s.SubscriberCounts(ctx)
		want := map[string]int{SubSubscribed: 1, SubToAsk: 0, SubAsked: 0, SubConfirmed: 1, SubArchived: 1}
		if err != nil || !maps.Equal(counts, want) {
			t.Fatalf("counts: %v %v", counts, err)
		}
		// Their own click brings an archived subscriber back.
		if sub, err := s.ConfirmSubscription(ctx, tokens["cy@example.org"], "en"); err != nil || sub.Status != SubConfirmed {
			t.Fatalf("late confirmation: %+v %v", sub, err)
		}
		if n := count(t, d, "SELECT COUNT(*) FROM audit_log WHERE action LIKE 'consent.%' AND actor = 'operator:o1'"); n != 6 {
			t.Fatalf("audited campaign steps: %d", n)
		}
	})
}
