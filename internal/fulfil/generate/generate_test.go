package generate_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/garde-privacy/garde/internal/fulfil/access"
	"github.com/garde-privacy/garde/internal/fulfil/connect"
	"github.com/garde-privacy/garde/internal/fulfil/dataset"
	"github.com/garde-privacy/garde/internal/fulfil/generate"
	"github.com/garde-privacy/garde/internal/fulfil/plan"
	"github.com/garde-privacy/garde/internal/fulfil/shoptest"
	"github.com/garde-privacy/garde/internal/testutil/dbtest"
	"github.com/garde-privacy/garde/internal/testutil/mysqltest"
)

func TestMain(m *testing.M) {
	code := dbtest.Main(m)
	mysqltest.StopShared()
	os.Exit(code)
}

func TestGuessInThreeLanguages(t *testing.T) {
	cases := map[string]string{
		"email": "user.contact.email", "E-mail": "user.contact.email", "courriel": "user.contact.email",
		"adresse_courriel": "user.contact.email", "emailadres": "user.contact.email", "contact_email": "user.contact.email",
		"customerEmail": "user.contact.email",
		"phone":         "user.contact.phone_number", "Téléphone": "user.contact.phone_number", "telefoon": "user.contact.phone_number",
		"telefoonnummer": "user.contact.phone_number", "mobile_phone": "user.contact.phone_number", "gsm": "user.contact.phone_number",
		"first_name": "user.name.first", "prénom": "user.name.first", "voornaam": "user.name.first", "firstName": "user.name.first",
		"last_name": "user.name.last", "nom_de_famille": "user.name.last", "achternaam": "user.name.last",
		"nom": "user.name", "naam": "user.name", "full_name": "user.name",
		"adresse": "user.contact.address.street", "adres": "user.contact.address.street", "billing_address": "user.contact.address.street",
		"straat": "user.contact.address.street", "rue": "user.contact.address.street",
		"ville": "user.contact.address.city", "woonplaats": "user.contact.address.city", "city": "user.contact.address.city",
		"code_postal": "user.contact.address.postal_code", "postcode": "user.contact.address.postal_code", "zip": "user.contact.address.postal_code",
		"pays": "user.contact.address.country", "land": "user.contact.address.country",
		"date_de_naissance": "user.demographic.date_of_birth", "geboortedatum": "user.demographic.date_of_birth", "birth_date": "user.demographic.date_of_birth",
		"mot_de_passe": "user.authorization.credentials", "wachtwoord": "user.authorization.credentials", "password_hash": "user.authorization.credentials",
		"adresse_ip": "user.device.ip_address", "iban": "user.financial.bank_account", "rekeningnummer": "user.financial.bank_account",
		"commentaire": "user.content.private", "opmerking": "user.content.private",
		"customer_id": "user.unique_id", "klant_id": "user.unique_id",
		"total_cents": "", "created_at": "", "product_name": "", "sku": "", "email_sent_at": "", "phone_verified": "", "courriel_confirme": "",
	}
	for name, want := range cases {
		if got := generate.Guess(name); got != want {
			t.Errorf("Guess(%q) = %q, want %q", name, got, want)
		}
	}
}

// A dataset generated from the shop database finds the same rows as the
// hand-written one: identities, keys and references come from the
// database's own structure.
func TestGeneratedDatasetFindsThePerson(t *testing.T) {
	for _, dialect := range shoptest.Dialects {
		t.Run(string(dialect), func(t *testing.T) {
			ctx := context.Background()
			url := shoptest.Create(t, dialect)
			conn, err := connect.Open(ctx, url, true)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			tables, err := conn.Introspect(ctx)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, tb := range tables {
				names = append(names, tb.Name)
			}
			if strings.Join(names, ",") != "addresses,customers,order_lines,orders,products,tickets" {
				t.Fatalf("tables %v", names)
			}
			res, err := generate.Dataset("shop", "Web shop", tables, dataset.IsDataCategory)
			if err != nil {
				t.Fatal(err)
			}
			y := string(res.YAML)
			for _, s := range []string{
				"          - name: email\n            data_categories: [user.contact.email]\n            fides_meta:\n              identity: email\n",
				"- {dataset: shop, field: orders.id, direction: from}",
				"      - name: products\n        fides_meta:\n          skip_processing: true\n",
				"          - name: id\n            data_categories: [system.operations]\n            fides_meta:\n              primary_key: true\n              data_type: integer\n",
			} {
				if !strings.Contains(y, s) {
					t.Errorf("generated dataset lacks %q:\n%s", s, y)
				}
			}
			if !strings.Contains(strings.Join(res.Notes, "\n"), "column orders.total_cents: no data category guessed") {
				t.Errorf("notes %v", res.Notes)
			}
			ds, err := dataset.Parse("generated.yaml", res.YAML)
			if err != nil {
				t.Fatal(err)
			}
			set, err := dataset.Check(ds)
			if err != nil {
				t.Fatalf("generated dataset does not pass the checks: %v\n%s", err, y)
			}
			p, err := plan.Build(set, []plan.Identity{{Key: "email", Value: shoptest.Alice}})
			if err != nil {
				t.Fatal(err)
			}
			got, err := access.Run(ctx, p, map[string]*connect.Conn{"shop": conn}, access.Counter{})
			if err != nil {
				t.Fatal(err)
			}
			raw := shoptest.Open(t, url)
			pg := dialect == "postgres"
			want := map[string]int{
				"shop.customers":   len(shoptest.IDs(t, raw, pg, `SELECT id FROM customers WHERE email = ?`, shoptest.Alice)),
				"shop.addresses":   len(shoptest.IDs(t, raw, pg, `SELECT a.id FROM addresses a JOIN customers c ON c.id = a.customer_id WHERE c.email = ?`, shoptest.Alice)),
				"shop.orders":      len(shoptest.IDs(t, raw, pg, `SELECT o.id FROM orders o JOIN customers c ON c.id = o.customer_id WHERE c.email = ?`, shoptest.Alice)),
				"shop.order_lines": len(shoptest.IDs(t, raw, pg, `SELECT l.id FROM order_lines l JOIN orders o ON o.id = l.order_id JOIN customers c ON c.id = o.customer_id WHERE c.email = ?`, shoptest.Alice)),
				"shop.tickets":     len(shoptest.IDs(t, raw, pg, `SELECT id FROM tickets WHERE email = ? OR customer_id IN (SELECT id FROM customers WHERE email = ?)`, shoptest.Alice, shoptest.Alice)),
			}
			if len(got.Rows) != len(want) {
				t.Errorf("rows %v", got.Rows)
			}
			for k, n := range want {
				if got.Rows[k] != int64(n) {
					t.Errorf("%s: %d rows, want %d", k, got.Rows[k], n)
				}
			}
		})
	}
}

func TestConnectRefusesBadURLs(t *testing.T) {
	ctx := context.Background()
	for dsn, want := range map[string]string{
		"mariadb://u@h/db":                                      "must start with sqlite:///, postgres:// or mysql://",
		"sqlite://relative/shop.db":                             "give an absolute path",
		"sqlite:///nonexistent/dir/x.db":                        "no such file",
		"sqlite:///var/lib/shop/x.db?mode=rwc":                  "may not contain",
		"postgres://u:hunter2@127.0.0.1:1/db?connect_timeout=1": "cannot connect to postgres://u:xxxxx@127.0.0.1:1/db",
		"mysql://u:hunter2@127.0.0.1:1/db":                      "cannot connect to mysql://u:xxxxx@127.0.0.1:1/db",
		"mysql://u:hunter2@127.0.0.1:1/":                        "give the database name",
		"mysql://u:hunter2@/db":                                 "give the host",
		"mysql://u:hunter2@127.0.0.1/db?multiStatements=true":   `unknown parameter "multiStatements"`,
		"mysql://u:hunter2@127.0.0.1/db?socket=run/m.sock":      "socket takes an absolute path",
		"mysql://u:hunter2@127.0.0.1/db?tls=maybe":              "tls must be",
	} {
		_, err := connect.Open(ctx, dsn, true)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v", dsn, err)
		}
		if err != nil && strings.Contains(err.Error(), "hunter2") {
			t.Errorf("%s: the password shows in %v", dsn, err)
		}
	}
}

func TestReadOnlyConnectionsChangeNothing(t *testing.T) {
	for _, dialect := range shoptest.Dialects {
		t.Run(string(dialect), func(t *testing.T) {
			url := shoptest.Create(t, dialect)
			conn, err := connect.Open(context.Background(), url, true)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			if _, err := conn.DB.Exec(`DELETE FROM tickets`); err == nil {
				t.Fatal("a read-only connection deleted rows")
			}
			if n := len(shoptest.IDs(t, shoptest.Open(t, url), false, `SELECT id FROM tickets`)); n != 5 {
				t.Fatalf("%d tickets left", n)
			}
		})
	}
}
