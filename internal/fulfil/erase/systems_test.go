package erase_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"

	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/fulfil/access"
	"github.com/garde-privacy/garde/internal/fulfil/connect"
	"github.com/garde-privacy/garde/internal/fulfil/dataset"
	"github.com/garde-privacy/garde/internal/fulfil/erase"
	"github.com/garde-privacy/garde/internal/fulfil/plan"
	"github.com/garde-privacy/garde/internal/fulfil/shoptest"
	"github.com/garde-privacy/garde/internal/testutil/dbtest"
)

// crmDataset is a second system, on PostgreSQL, that knows shop customers
// only by their shop id: values found in SQLite lead into PostgreSQL.
const crmDataset = `dataset:
  - fides_key: crm
    collections:
      - name: contacts
        fields:
          - {name: id, fides_meta: {primary_key: true, data_type: integer}}
          - name: shop_customer_id
            fides_meta:
              data_type: integer
              references: [{dataset: shop, field: customers.id, direction: from}]
          - {name: full_name, data_categories: [user.name]}
      - name: calls
        fields:
          - {name: id, fides_meta: {primary_key: true, data_type: integer}}
          - name: contact_id
            fides_meta:
              data_type: integer
              references: [{dataset: crm, field: contacts.id, direction: from}]
          - {name: summary, data_categories: [user.content.private]}
`

func TestTwoSystems(t *testing.T) {
	ctx := context.Background()
	shopURL := shoptest.Create(t, db.SQLite)
	crmURL := dbtest.URL(t, db.Postgres)
	raw, err := sql.Open("pgx", crmURL)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	for _, q := range []string{
		`CREATE TABLE contacts (id BIGINT PRIMARY KEY, shop_customer_id BIGINT, full_name TEXT)`,
		`CREATE TABLE calls (id BIGINT PRIMARY KEY, contact_id BIGINT REFERENCES contacts(id), summary TEXT)`,
		`INSERT INTO contacts VALUES (10, 2, 'Alice Dupont'), (11, 1, 'Bob Martin'), (12, NULL, 'Walk-in')`,
		`INSERT INTO calls VALUES (100, 10, 'Alice asked about delivery'), (101, 11, 'Bob asked about a refund'), (102, 10, 'Alice again')`,
	} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	var all []*dataset.Dataset
	for name, src := range map[string]string{"shop.yaml": shoptest.Dataset, "crm.yaml": crmDataset} {
		ds, err := dataset.Parse(name, []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, ds...)
	}
	set, err := dataset.Check(all)
	if err != nil {
		t.Fatal(err)
	}
	p, err := plan.Build(set, []plan.Identity{{Key: "email", Value: shoptest.Alice}})
	if err != nil {
		t.Fatal(err)
	}
	shopConn, err := connect.Open(ctx, shopURL, false)
	if err != nil {
		t.Fatal(err)
	}
	defer shopConn.Close()
	crmConn, err := connect.Open(ctx, crmURL, false)
	if err != nil {
		t.Fatal(err)
	}
	defer crmConn.Close()
	conns := map[string]*connect.Conn{"shop": shopConn, "crm": crmConn}

	res, err := access.Run(ctx, p, conns, access.Counter{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Rows["crm.contacts"] != 1 || res.Rows["crm.calls"] != 2 || res.Rows["shop.customers"] != 1 {
		t.Fatalf("rows %v", res.Rows)
	}
	if _, err := access.Run(ctx, p, map[string]*connect.Conn{"shop": shopConn}, access.Counter{}); err == nil || !strings.Contains(err.Error(), "no connection for the dataset(s) crm") {
		t.Fatalf("missing connection: %v", err)
	}

	rec, err := erase.Run(ctx, p, conns, erase.Options{Key: key})
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.Systems) != 2 || !rec.Systems[0].Done || !rec.Systems[1].Done {
		t.Fatalf("systems %+v", rec.Systems)
	}
	var alice, bob string
	if err := raw.QueryRow(`SELECT full_name FROM contacts WHERE id = 10`).Scan(&alice); err != nil {
		t.Fatal(err)
	}
	if err := raw.QueryRow(`SELECT full_name FROM contacts WHERE id = 11`).Scan(&bob); err != nil {
		t.Fatal(err)
	}
	if alice == "Alice Dupont" || len(alice) != 32 || bob != "Bob Martin" {
		t.Errorf("contacts now %q, %q", alice, bob)
	}
	var summaries []string
	rows, err := raw.Query(`SELECT summary FROM calls ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var s string
		rows.Scan(&s)
		summaries = append(summaries, s)
	}
	rows.Close()
	if len(summaries) != 3 || strings.Contains(summaries[0], "Alice") || summaries[1] != "Bob asked about a refund" || strings.Contains(summaries[2], "Alice") {
		t.Errorf("calls now %v", summaries)
	}
}
