package dataset_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/garde-privacy/garde/internal/fulfil/dataset"
)

// fidesFile is written the way Fides users write theirs: flow-style
// fides_meta, legacy fidesops_meta, keys Garde does not use (meta,
// organization_fides_key, retention), a collection-level masking override.
const fidesFile = `dataset:
  - fides_key: shop_db
    organization_fides_key: default_organization
    name: Web shop database
    meta: {owner: shop team}
    collections:
      - name: members
        fields:
          - name: member_id
            data_categories: [user.unique_id]
            fides_meta: {primary_key: true, data_type: integer}
          - name: mail
            data_categories: [user.contact.email]
            fides_meta: {identity: email, data_type: string}
          - name: display_name
            data_categories: [user.name]
            retention: 2 years
            fides_meta:
              masking_strategy_override: {strategy: null_rewrite}
      - name: invoices
        fides_meta:
          erase_after: [shop_db.members]
          masking_strategy_override: {strategy: delete}
        fields:
          - name: member_ref
            data_categories: [system.operations]
            fidesops_meta:
              references:
                - {dataset: shop_db, field: members.member_id, direction: from}
          - name: billing_city
            data_categories: [user.contact.address.city]
`

func TestFidesFileIsAccepted(t *testing.T) {
	ds, err := dataset.Parse("shop.yaml", []byte(fidesFile))
	if err != nil {
		t.Fatal(err)
	}
	set, err := dataset.Check(ds)
	if err != nil {
		t.Fatal(err)
	}
	inv := set.Collection("shop_db.invoices")
	if inv == nil || len(set.Edges) != 1 {
		t.Fatalf("invoices %v, edges %d", inv, len(set.Edges))
	}
	e := set.Edges[0]
	if !e.Directed || e.From.Name != "member_id" || e.To.Name != "member_ref" {
		t.Errorf("edge %s → %s directed=%v", e.From.Name, e.To.Name, e.Directed)
	}
	if got := inv.Meta().EraseAfter; len(got) != 1 || got[0] != "shop_db.members" {
		t.Errorf("erase_after %v", got)
	}
	if o := set.Collection("shop_db.members").Field("display_name").Meta().MaskingStrategyOverride; o == nil || o.Strategy != "null_rewrite" {
		t.Errorf("field override %+v", o)
	}
}

// base is a valid two-collection dataset; cases change one line of it.
const base = `dataset:
  - fides_key: shop
    collections:
      - name: customers
        fields:
          - name: id
            fides_meta: {primary_key: true, data_type: integer}
          - name: email
            data_categories: [user.contact.email]
            fides_meta: {identity: email}
      - name: orders
        fields:
          - name: id
            fides_meta: {primary_key: true}
          - name: customer_id
            fides_meta:
              references:
                - {dataset: shop, field: customers.id, direction: from}
`

func TestBaseIsValid(t *testing.T) {
	ds, err := dataset.Parse("base.yaml", []byte(base))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := dataset.Check(ds); err != nil {
		t.Fatal(err)
	}
}

func TestProblemsNameFileLineAndField(t *testing.T) {
	cases := []struct {
		name      string
		old, new  string
		want      string // the whole "file:line: path" prefix
		wantMsg   string
		extraWant string
	}{
		{"SQL in a table name", "- name: orders", `- name: "orders; DROP TABLE customers; --"`,
			"bad.yaml:11: dataset[0].collections[1].name", "not a plain SQL identifier", ""},
		{"quote in a field name", "- name: customer_id", `- name: 'customer_id" OR 1=1'`,
			"bad.yaml:15: dataset[0].collections[1].fields[1].name", "not a plain SQL identifier", ""},
		{"unknown collection", "field: customers.id,", "field: clients.id,",
			"bad.yaml:18: dataset[0].collections[1].fields[1].fides_meta.references[0].field", `dataset "shop" has no collection "clients"`, ""},
		{"unknown field", "field: customers.id,", "field: customers.uid,",
			"bad.yaml:18: dataset[0].collections[1].fields[1].fides_meta.references[0].field", `has no field "uid"`, ""},
		{"unknown dataset", "{dataset: shop, field", "{dataset: crm, field",
			"bad.yaml:18: dataset[0].collections[1].fields[1].fides_meta.references[0].dataset", `no dataset has the fides_key "crm"`, ""},
		{"bad direction", "direction: from}", "direction: both}",
			"bad.yaml:18: dataset[0].collections[1].fields[1].fides_meta.references[0].direction", "direction must be from or to", ""},
		{"nested reference", "field: customers.id,", "field: customers.profile.id,",
			"bad.yaml:18: dataset[0].collections[1].fields[1].fides_meta.references[0].field", "nested fields", ""},
		{"unknown category", "[user.contact.email]", "[user.contact.emial]",
			"bad.yaml:9: dataset[0].collections[0].fields[1].data_categories[0]", `"user.contact.emial" is not a data category`, ""},
		{"array type", "{primary_key: true}", "{data_type: \"object[]\"}",
			"bad.yaml:14: dataset[0].collections[1].fields[0].fides_meta.data_type", "nested type", ""},
		{"no identity reaches", "direction: from}", "direction: to}",
			"bad.yaml:11: dataset[0].collections[1]", "no identity reaches collection shop.orders", ""},
		{"duplicate field", "- name: customer_id", "- name: id",
			"bad.yaml:15: dataset[0].collections[1].fields[1].name", `field "id" is defined twice`, ""},
		{"masking a primary key", "{primary_key: true, data_type: integer}", "{primary_key: true, masking_strategy_override: {strategy: hmac}}",
			"bad.yaml:7: dataset[0].collections[0].fields[0].fides_meta.masking_strategy_override", "a primary key cannot be masked", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(base, tc.old) {
				t.Fatalf("base lacks %q", tc.old)
			}
			src := strings.Replace(base, tc.old, tc.new, 1)
			ds, err := dataset.Parse("bad.yaml", []byte(src))
			if err == nil {
				_, err = dataset.Check(ds)
			}
			if err == nil {
				t.Fatal("accepted")
			}
			var found bool
			for _, line := range strings.Split(err.Error(), "\n") {
				if strings.HasPrefix(line, tc.want+": ") && strings.Contains(line, tc.wantMsg) {
					found = true
				}
			}
			if !found {
				t.Errorf("no %q … %q in:\n%v", tc.want, tc.wantMsg, err)
			}
		})
	}
}

func TestNestedFieldsAreRefused(t *testing.T) {
	src := base + `      - name: profiles
        fields:
          - name: customer_id
            fides_meta:
              references: [{dataset: shop, field: customers.id, direction: from}]
          - name: prefs
            fields:
              - name: theme
`
	ds, err := dataset.Parse("nested.yaml", []byte(src))
	if err == nil {
		_, err = dataset.Check(ds)
	}
	if err == nil || !strings.Contains(err.Error(), "nested.yaml:25: dataset[0].collections[2].fields[1].fields: nested fields (documents) are not supported") {
		t.Fatalf("got %v", err)
	}
}

func TestCyclesAreListed(t *testing.T) {
	src := base + `      - name: invoices
        fides_meta:
          after: [shop.payments]
        fields:
          - name: order_id
            fides_meta:
              references: [{dataset: shop, field: orders.id, direction: from}]
      - name: payments
        fields:
          - name: invoice_order_id
            fides_meta:
              references: [{dataset: shop, field: invoices.order_id, direction: from}]
`
	ds, err := dataset.Parse("cycle.yaml", []byte(src))
	if err == nil {
		_, err = dataset.Check(ds)
	}
	if err == nil || !strings.Contains(err.Error(), "form a cycle: shop.invoices → shop.payments → shop.invoices") {
		t.Fatalf("got %v", err)
	}
	if !strings.HasPrefix(err.Error(), "cycle.yaml:19: dataset[0].collections[2]: ") {
		t.Errorf("location: %v", err)
	}

	erase := strings.Replace(base, "      - name: orders\n", "      - name: orders\n        fides_meta: {erase_after: [shop.customers]}\n", 1)
	erase = strings.Replace(erase, "      - name: customers\n", "      - name: customers\n        fides_meta: {erase_after: [shop.orders]}\n", 1)
	ds, err = dataset.Parse("erase.yaml", []byte(erase))
	if err == nil {
		_, err = dataset.Check(ds)
	}
	if err == nil || !strings.Contains(err.Error(), "erase_after forms a cycle") {
		t.Fatalf("erase cycle: %v", err)
	}
}

func TestReadFilesCrossReferencesAndReportsEveryFile(t *testing.T) {
	dir := t.TempDir()
	crm := `dataset:
  - fides_key: crm
    collections:
      - name: contacts
        fields:
          - name: shop_customer
            fides_meta:
              references: [{dataset: shop, field: customers.id, direction: from}]
          - name: notes
            data_categories: [user.content.private]
`
	write := func(name, s string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	shop, other := write("shop.yaml", base), write("crm.yaml", crm)
	set, err := dataset.ReadFiles(shop, other)
	if err != nil {
		t.Fatal(err)
	}
	if len(set.Datasets) != 2 || set.Collection("crm.contacts") == nil {
		t.Fatalf("datasets %d", len(set.Datasets))
	}
	// Alone, the CRM file refers to a dataset it does not have.
	if _, err := dataset.ReadFiles(other); err == nil || !strings.Contains(err.Error(), `crm.yaml:8: dataset[0].collections[0].fields[0].fides_meta.references[0].dataset: no dataset has the fides_key "shop"`) {
		t.Fatalf("got %v", err)
	}
	broken := write("broken.yaml", "dataset:\n  - fides_key: x\n    collections: [\n")
	_, err = dataset.ReadFiles(broken, filepath.Join(dir, "missing.yaml"))
	if err == nil || !strings.Contains(err.Error(), "broken.yaml:") || !strings.Contains(err.Error(), "missing.yaml: no such file") {
		t.Fatalf("got %v", err)
	}
	if _, err := dataset.ReadFiles(shop, write("again.yaml", base)); err == nil || !strings.Contains(err.Error(), `dataset "shop" is already defined at`) {
		t.Fatalf("duplicate: %v", err)
	}
}

func TestIdentifiers(t *testing.T) {
	for _, ok := range []string{"customers", "_x", "Orders2", "a_b_c", strings.Repeat("a", 63)} {
		if !dataset.IsIdentifier(ok) {
			t.Errorf("%q refused", ok)
		}
	}
	for _, bad := range []string{"", "2fast", "a-b", "a b", `a"b`, "a;b", "naïve", "a.b", strings.Repeat("a", 64), "x--", "é"} {
		if dataset.IsIdentifier(bad) {
			t.Errorf("%q accepted", bad)
		}
	}
	if dataset.Quote("orders") != `"orders"` {
		t.Error(dataset.Quote("orders"))
	}
}
