package run_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/fulfil/run"
	"github.com/garde-privacy/garde/internal/fulfil/shoptest"
	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/jobs"
	"github.com/garde-privacy/garde/internal/mail"
	"github.com/garde-privacy/garde/internal/operator"
	"github.com/garde-privacy/garde/internal/requests"
	"github.com/garde-privacy/garde/internal/rules"
	"github.com/garde-privacy/garde/internal/secrets"
	"github.com/garde-privacy/garde/internal/testutil/dbtest"
)

func TestConnectorIsCheckedAndItsURLSealed(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		sys, err := f.reqs.CreateSystem(f.ctx, f.admin, requests.SystemInput{
			Name: "CRM", OwnerEmail: "it@acme.example", Kind: requests.SystemAutomatic, Active: true})
		if err != nil {
			t.Fatal(err)
		}
		manual, err := f.reqs.CreateSystem(f.ctx, f.admin, requests.SystemInput{
			Name: "Paper", OwnerEmail: "it@acme.example", Kind: requests.SystemManual, Active: true})
		if err != nil {
			t.Fatal(err)
		}
		const url = "postgres://crm:Sup3r-secret@db.internal:5432/crm"
		noEmail := strings.ReplaceAll(shoptest.Dataset, "identity: email, ", "")
		twoSets := shoptest.Dataset + strings.Replace(strings.TrimPrefix(shoptest.Dataset, "dataset:\n"), "fides_key: shop", "fides_key: shop2", 1)
		sqlName := strings.Replace(shoptest.Dataset, "name: tickets", `name: "tickets\"; DROP TABLE customers; --"`, 1)
		cases := []struct {
			name  string
			actor requests.Actor
			id    string
			in    run.ConnectorInput
			want  error
		}{
			{"agent", f.agent, sys.ID, run.ConnectorInput{Dataset: shoptest.Dataset, URL: url}, requests.ErrForbidden},
			{"manual system", f.admin, manual.ID, run.ConnectorInput{Dataset: shoptest.Dataset, URL: url}, run.ErrNotAutomatic},
			{"unknown system", f.admin, "nope", run.ConnectorInput{Dataset: shoptest.Dataset, URL: url}, requests.ErrSystemNotFound},
			{"no dataset", f.admin, sys.ID, run.ConnectorInput{Dataset: "  ", URL: url}, run.ErrDatasetRequired},
			{"no email identity", f.admin, sys.ID, run.ConnectorInput{Dataset: noEmail, URL: url}, run.ErrDatasetNoEmail},
			{"two datasets", f.admin, sys.ID, run.ConnectorInput{Dataset: twoSets, URL: url}, run.ErrDatasetOne},
			{"no url", f.admin, sys.ID, run.ConnectorInput{Dataset: shoptest.Dataset}, run.ErrURLRequired},
			{"unknown scheme", f.admin, sys.ID, run.ConnectorInput{Dataset: shoptest.Dataset, URL: "oracle://u@h/db"}, run.ErrURLScheme},
			{"relative sqlite", f.admin, sys.ID, run.ConnectorInput{Dataset: shoptest.Dataset, URL: "sqlite://shop.db"}, run.ErrURLSQLitePath},
		}
		for _, c := range cases {
			if _, err := f.run.SetConnector(f.ctx, c.actor, c.id, c.in); !errors.Is(err, c.want) {
				t.Errorf("%s: %v, want %v", c.name, err, c.want)
			}
		}
		_, err = f.run.SetConnector(f.ctx, f.admin, sys.ID, run.ConnectorInput{Dataset: sqlName, URL: url})
		var bad *run.InvalidDataset
		if !errors.As(err, &bad) || len(bad.Problems) == 0 || bad.Problems[0].Line == 0 {
			t.Fatalf("SQL in a name: %v", err)
		}
		wantLine := 1 + strings.Count(sqlName[:strings.Index(sqlName, "DROP TABLE")], "\n")
		if msg := bad.Localize(cat.For(i18n.FR)); !strings.Contains(msg, "ligne "+itoa(wantLine)+" :") {
			t.Errorf("French message %q lacks line %d", msg, wantLine)
		}
		if _, err := f.run.Connector(f.ctx, sys.ID); !errors.Is(err, run.ErrNoConnector) {
			t.Fatalf("a refused connector was saved: %v", err)
		}

		c, err := f.run.SetConnector(f.ctx, f.admin, sys.ID, run.ConnectorInput{Dataset: shoptest.Dataset, URL: url})
		if err != nil {
			t.Fatal(err)
		}
		if c.DatasetKey != "shop" || strings.Contains(c.URLHint, "Sup3r-secret") || !strings.Contains(c.URLHint, "db.internal") {
			t.Errorf("connector %+v", c)
		}
		var stored string
		if err := d.QueryRow(f.ctx, "SELECT url_sealed || url_hint || dataset FROM fulfil_connectors WHERE system_id = ?", sys.ID).Scan(&stored); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(stored, "Sup3r-secret") {
			t.Errorf("the password is stored in clear")
		}
		// Saving again without a URL keeps the sealed one.
		if _, err := f.run.SetConnector(f.ctx, f.admin, sys.ID, run.ConnectorInput{Dataset: shoptest.Dataset}); err != nil {
			t.Fatal(err)
		}
		var again string
		if err := d.QueryRow(f.ctx, "SELECT url_sealed FROM fulfil_connectors WHERE system_id = ?", sys.ID).Scan(&again); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(stored, again) {
			t.Errorf("the sealed URL changed on a save without one")
		}
		if n := f.count("fulfil.connector_set"); n != 2 {
			t.Errorf("%d fulfil.connector_set audit entries, want 2", n)
		}
	})
}

func TestResealMovesConnectionsToTheCurrentKey(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		sys := f.shopSystem("sqlite:///var/lib/shop/shop.db")
		read := func() string {
			var s string
			if err := d.QueryRow(f.ctx, "SELECT url_sealed FROM fulfil_connectors WHERE system_id = ?", sys.ID).Scan(&s); err != nil {
				t.Fatal(err)
			}
			return s
		}
		before := read()
		// An HTTP system (endpoint and secret) and corrections waiting to
		// be applied are sealed too.
		crm, err := f.reqs.CreateSystem(f.ctx, f.admin, requests.SystemInput{
			Name: "CRM", OwnerEmail: "it@acme.example", Kind: requests.SystemAutomatic, Active: true})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.run.SetConnector(f.ctx, f.admin, crm.ID, run.ConnectorInput{Kind: run.KindHTTP, Endpoint: "https://crm.example.com/garde"}); err != nil {
			t.Fatal(err)
		}
		rect := f.verified(requests.TypeRectification)
		tasks, err := f.reqs.Tasks(f.ctx, rect)
		if err != nil || len(tasks) != 2 {
			t.Fatalf("tasks %v %v", tasks, err)
		}
		// The shop's or the CRM's task: both know customers.last_name.
		if err := f.run.Rectify(f.ctx, f.agent, rect, tasks[0].ID, []run.FieldChange{{Field: "customers.last_name", Value: "Durand"}}); err != nil {
			t.Fatal(err)
		}
		newKey := bytes.Repeat([]byte{4}, 32)
		rotated, err := secrets.New(newKey, oldKey)
		if err != nil {
			t.Fatal(err)
		}
		q := jobs.New(d, quiet)
		reqs := requests.NewService(requests.Deps{DB: d, Queue: q, Audit: f.audit, Log: quiet,
			Outbox: mail.NewOutbox(d, q, cat, nil, quiet), Operators: operator.NewService(d, f.audit, 0),
			Deadlines: requests.NewRulesDeadlines(rules.Embedded(), "FR", nil), Box: rotated})
		svc, err := run.New(run.Deps{DB: d, Queue: q, Box: rotated, Audit: f.audit, Requests: reqs, Catalog: cat})
		if err != nil {
			t.Fatal(err)
		}
		if n, err := svc.Reseal(f.ctx); err != nil || n != 4 {
			t.Fatalf("reseal: %d, %v", n, err)
		}
		if n, err := svc.Reseal(f.ctx); err != nil || n != 0 {
			t.Fatalf("second reseal: %d, %v", n, err)
		}
		after := read()
		onlyNew, err := secrets.New(newKey)
		if err != nil {
			t.Fatal(err)
		}
		if after == before || !onlyNew.Current(after) {
			t.Fatalf("not sealed with the new key")
		}
		if !rotated.Current(after) || rotated.Current(before) {
			t.Fatalf("key ids: before %q after %q", before, after)
		}
		var others []string
		rows, err := d.Query(f.ctx, `SELECT url_sealed FROM fulfil_connectors WHERE system_id = ?
			UNION ALL SELECT secret_sealed FROM fulfil_connectors WHERE system_id = ?
			UNION ALL SELECT changes_sealed FROM fulfil_task_changes`, crm.ID, crm.ID)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var v string
			if err := rows.Scan(&v); err != nil {
				t.Fatal(err)
			}
			others = append(others, v)
		}
		rows.Close()
		if len(others) != 3 {
			t.Fatalf("%d sealed values", len(others))
		}
		for i, v := range others {
			if !onlyNew.Current(v) {
				t.Errorf("value %d not sealed with the new key", i)
			}
		}
	})
}
