package access_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/fulfil/access"
	"github.com/garde-privacy/garde/internal/fulfil/connect"
	"github.com/garde-privacy/garde/internal/fulfil/dataset"
	"github.com/garde-privacy/garde/internal/fulfil/plan"
	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/testutil/dbtest"
)

// Real schemas join on UUIDs and hold times, decimals, booleans and bytes;
// the engine carries keys of those types from one table to the next and
// writes every value readably.
func TestPostgresTypesAndSchema(t *testing.T) {
	ctx := context.Background()
	url := dbtest.URL(t, db.Postgres)
	raw, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	for _, q := range []string{
		`CREATE SCHEMA crm`,
		`CREATE TABLE crm.people (id UUID PRIMARY KEY, email TEXT NOT NULL, vip BOOLEAN, joined TIMESTAMPTZ, balance NUMERIC(10,2), avatar BYTEA)`,
		`CREATE TABLE crm.notes (id BIGSERIAL PRIMARY KEY, person_id UUID REFERENCES crm.people(id), written TIMESTAMPTZ, body TEXT)`,
		`INSERT INTO crm.people VALUES ('7d444840-9dc0-11d1-b245-5ffdce74fad2', 'ana@example.com', true, '2026-03-01 10:00:00+01', 12.50, '\x00ff'),
			('11111111-2222-3333-4444-555555555555', 'other@example.com', false, NULL, NULL, NULL)`,
		`INSERT INTO crm.notes (person_id, written, body) VALUES ('7d444840-9dc0-11d1-b245-5ffdce74fad2', '2026-03-02 09:00:00+00', '=HYPERLINK("x")'),
			('11111111-2222-3333-4444-555555555555', NULL, 'not Ana')`,
	} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	src := `dataset:
  - fides_key: crm
    fides_meta: {namespace: {schema: crm}}
    collections:
      - name: people
        fields:
          - {name: id, fides_meta: {primary_key: true}}
          - {name: email, data_categories: [user.contact.email], fides_meta: {identity: email}}
          - {name: vip}
          - {name: joined}
          - {name: balance}
          - {name: avatar}
      - name: notes
        fields:
          - {name: id, fides_meta: {primary_key: true, data_type: integer}}
          - name: person_id
            fides_meta: {references: [{dataset: crm, field: people.id, direction: from}]}
          - {name: written}
          - {name: body, data_categories: [user.content.private]}
`
	ds, err := dataset.Parse("crm.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	set, err := dataset.Check(ds)
	if err != nil {
		t.Fatal(err)
	}
	p, err := plan.Build(set, []plan.Identity{{Key: "email", Value: "ana@example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	conn, err := connect.Open(ctx, url, true)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	out := t.TempDir()
	pkg, err := access.NewPackage(out)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := access.Run(ctx, p, map[string]*connect.Conn{"crm": conn}, pkg); err != nil {
		t.Fatal(err)
	}
	zipPath, err := pkg.Finish(access.Summary{At: time.Now(), Lang: i18n.EN, Catalog: i18n.MustLoad(), Identities: p.Identities})
	if err != nil {
		t.Fatal(err)
	}
	files := readZip(t, zipPath)
	var doc map[string][]map[string]any
	if err := json.Unmarshal(files["data.json"], &doc); err != nil {
		t.Fatal(err)
	}
	people, notes := doc["crm:people"], doc["crm:notes"]
	if len(people) != 1 || len(notes) != 1 {
		t.Fatalf("people %v notes %v", people, notes)
	}
	if people[0]["id"] != "7d444840-9dc0-11d1-b245-5ffdce74fad2" || people[0]["vip"] != true ||
		people[0]["joined"] != "2026-03-01T09:00:00Z" || notes[0]["body"] != `=HYPERLINK("x")` {
		t.Errorf("values %v / %v", people[0], notes[0])
	}
	if b, _ := json.Marshal(people[0]["balance"]); !strings.Contains(string(b), "12.5") {
		t.Errorf("balance %s", b)
	}
	csv := string(files["crm.notes.csv"])
	if !strings.Contains(csv, `'=HYPERLINK`) {
		t.Errorf("a formula reaches the CSV unguarded:\n%s", csv)
	}
	if strings.Contains(string(files["data.json"]), "other@example.com") || strings.Contains(csv, "not Ana") {
		t.Error("another person's rows are in the package")
	}
	if filepath.Dir(zipPath) != out {
		t.Errorf("zip at %s", zipPath)
	}
}
