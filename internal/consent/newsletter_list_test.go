package consent

import (
	"log/slog"
	"maps"
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

// TestNewsletterStrictImport: a list with one bad line writes nothing and
// says which lines are wrong, a stray quote included, on both engines; the
// lenient import keeps reading after such a line; a file cut off at the
// size limit is refused whole.
func TestNewsletterStrictImport(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		s, _ := newTestService(t, d)
		list := "email,name,subscribed_at,how_added\n" +
			"ok@example.org,Ok,,passive\n" +
			"br\"oken@example.org,B,,passive\n" +
			"late@example.org,L,,sometimes\n" +
			"after@example.org,After,,active\n"
		res, err := s.ImportSubscribersStrict(ctx, "operator:o1", strings.NewReader(list))
		if err != nil {
			t.Fatal(err)
		}
		lines := map[int]string{}
		for _, le := range res.Errors {
			lines[le.Line] = le.Err.ID
		}
		if res.Rows != 4 || res.Refused != 2 || res.Subscribed+res.ToAsk != 0 ||
			!maps.Equal(lines, map[int]string{3: ErrLineUnreadable.ID, 4: ErrHowAdded.ID}) {
			t.Fatalf("strict import: %+v %v", res, lines)
		}
		if n := count(t, d, "SELECT COUNT(*) FROM consent_subscribers"); n != 0 {
			t.Fatalf("a refused list wrote %d subscribers", n)
		}
		if n := count(t, d, "SELECT COUNT(*) FROM consent_events"); n != 0 {
			t.Fatalf("a refused list wrote %d events", n)
		}

		res, err = s.ImportSubscribers(ctx, "operator:o1", strings.NewReader(list))
		if err != nil || res.Refused != 2 || res.ToAsk != 1 || res.Subscribed != 1 {
			t.Fatalf("lenient import: %+v %v", res, err)
		}

		big := "email,name,subscribed_at,how_added\n" + strings.Repeat("x@example.org,"+strings.Repeat("n", 100)+",,passive\n", MaxImportBytes/100)
		// Saved by a spreadsheet set to French: semicolons.
		res, err = s.ImportSubscribersStrict(ctx, "operator:o1", strings.NewReader(
			"email;name;subscribed_at;how_added\r\nzoe@example.fr;Zoé, la cliente;2020-02-02;active\r\n"))
		if err != nil || res.Refused != 0 || res.Subscribed != 1 {
			t.Fatalf("semicolon list: %+v %v", res, err)
		}
		var name string
		if err := d.QueryRow(ctx, "SELECT name FROM consent_subscribers WHERE email = 'zoe@example.fr'").Scan(&name); err != nil || name != "Zoé, la cliente" {
			t.Fatalf("semicolon list's name: %q %v", name, err)
		}

		if _, err := s.ImportSubscribersStrict(ctx, "operator:o1", strings.NewReader(big)); err != ErrImportTooLong {
			t.Fatalf("oversized list: %v", err)
		}
		if _, err := s.ImportSubscribers(ctx, "operator:o1", strings.NewReader(big)); err != ErrImportTooLong {
			t.Fatalf("oversized list, lenient: %v", err)
		}
	})
}

// TestNewsletterCampaignAndList: the campaign's figures follow the
// subscribers through the stages (hourly cap used, next deadline, past
// deadline), and the list filters by stage and finds part of an address
// or a name, wildcards taken literally.
func TestNewsletterCampaignAndList(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		quiet := slog.New(slog.DiscardHandler)
		q := jobs.New(d, quiet)
		ob := mail.NewOutbox(d, q, i18n.MustLoad(), nil, quiet)
		if err := q.Build(jobs.Options{}); err != nil {
			t.Fatal(err)
		}
		start := time.Date(2026, 4, 1, 8, 0, 0, 0, time.UTC)
		clk := &clock{t: start}
		s := NewService(Deps{DB: d, Audit: audit.New(d), Outbox: ob, BaseURL: "https://privacy.shop.example", Now: clk.now,
			RepermissionDays: 10})
		s.perHour = 2
		if _, err := s.ImportSubscribers(ctx, "operator:o1", strings.NewReader("email,name,subscribed_at,how_added\n"+
			"anna_b@example.org,Anna Berg,,passive\nannab@example.org,Anna B,,unknown\nmo@example.org,Mo Percent%,,passive\n"+
			"jo@example.org,Jo Tate,2020-01-01,active\n")); err != nil {
			t.Fatal(err)
		}
		c, err := s.Campaign(ctx)
		if err != nil || c.Total != 4 || c.Counts[SubToAsk] != 3 || c.Counts[SubSubscribed] != 1 || c.Remaining() != 2 ||
			c.NextDeadline != nil || c.PastDeadline != 0 || c.Days != 10 {
			t.Fatalf("campaign after import: %+v %v", c, err)
		}
		if n, err := s.SendRepermission(ctx, "operator:o1", i18n.EN, 50); err != nil || n != 2 {
			t.Fatalf("send: %d %v", n, err)
		}
		c, err = s.Campaign(ctx)
		wantDeadline := start.AddDate(0, 0, 10)
		if err != nil || c.Counts[SubAsked] != 2 || c.Counts[SubToAsk] != 1 || c.Remaining() != 0 ||
			c.NextDeadline == nil || !c.NextDeadline.Equal(wantDeadline) {
			t.Fatalf("campaign after sending: %+v %v", c, err)
		}
		clk.t = start.AddDate(0, 0, 11)
		c, err = s.Campaign(ctx)
		if err != nil || c.PastDeadline != 2 || c.NextDeadline != nil || c.Remaining() != 2 {
			t.Fatalf("campaign past the deadline: %+v %v", c, err)
		}

		emails := func(q SubscriberQuery) []string {
			t.Helper()
			rows, total, err := s.Subscribers(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, r := range rows {
				out = append(out, r.Email)
			}
			if total < len(out) {
				t.Fatalf("total %d for %d rows", total, len(out))
			}
			return out
		}
		if got := emails(SubscriberQuery{Search: "ANNA_"}); len(got) != 1 || got[0] != "anna_b@example.org" {
			t.Fatalf("search with an underscore: %v", got)
		}
		if got := emails(SubscriberQuery{Search: "t%"}); len(got) != 1 || got[0] != "mo@example.org" {
			t.Fatalf("search with a percent sign: %v", got)
		}
		if got := emails(SubscriberQuery{Status: SubSubscribed}); len(got) != 1 || got[0] != "jo@example.org" {
			t.Fatalf("by status: %v", got)
		}
		if got := emails(SubscriberQuery{Status: SubAsked, Search: "anna"}); len(got) != 2 {
			t.Fatalf("asked and named Anna: %v", got)
		}
		rows, total, err := s.Subscribers(ctx, SubscriberQuery{Limit: 1, Offset: 3})
		if err != nil || total != 4 || len(rows) != 1 {
			t.Fatalf("a page: %d rows of %d, %v", len(rows), total, err)
		}
		rows, _, err = s.Subscribers(ctx, SubscriberQuery{Search: "jo@"})
		if err != nil || len(rows) != 1 || rows[0].SubscribedAt == nil || !rows[0].SubscribedAt.Equal(time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)) ||
			rows[0].HowAdded != AddedActive || rows[0].AskedAt != nil {
			t.Fatalf("a subscriber's dates: %+v %v", rows, err)
		}
	})
}
