package requests_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"slices"
	"strings"
	"testing"

	"github.com/garde-privacy/garde/internal/audit"
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

// customerIDDataset is the shop's dataset where the customer number itself
// is an identity, as a shop whose accounts are known by number declares.
var customerIDDataset = strings.Replace(shoptest.Dataset,
	"fides_meta: {primary_key: true, data_type: integer}", "fides_meta: {primary_key: true, data_type: integer, identity: customer_id}", 1)

// A person whose request comes from an address the shop does not know is
// found by the customer number an agent added: the access package holds
// exactly the rows of that customer, and nothing of anyone else.
func TestAddedCustomerIDFindsTheRowsKeyedByIt(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		quiet := slog.New(slog.DiscardHandler)
		cat := i18n.MustLoad()
		box, err := secrets.New(bytes.Repeat([]byte{7}, 32))
		if err != nil {
			t.Fatal(err)
		}
		lg := audit.New(d)
		ops := operator.NewService(d, lg, 0)
		q := jobs.New(d, quiet)
		reqs := requests.NewService(requests.Deps{DB: d, Queue: q, Audit: lg, Outbox: mail.NewOutbox(d, q, cat, nil, quiet),
			Operators: ops, Log: quiet, Deadlines: requests.NewRulesDeadlines(rules.Embedded(), "FR", nil),
			BaseURL: "https://privacy.example.org/", Box: box})
		runner, err := run.New(run.Deps{DB: d, Queue: q, Box: box, Audit: lg, Requests: reqs, Catalog: cat, WorkDir: t.TempDir(), Log: quiet})
		if err != nil {
			t.Fatal(err)
		}
		if err := q.Build(jobs.Options{}); err != nil {
			t.Fatal(err)
		}
		op, err := ops.Create(ctx, operator.ActorCLI, operator.NewOperator{Email: "admin@acme.example", Name: "Admin",
			Role: operator.Admin, Password: "correct horse battery staple"})
		if err != nil {
			t.Fatal(err)
		}
		admin := requests.OperatorActor(op)

		shop := shoptest.Create(t, d.Dialect)
		sys, err := reqs.CreateSystem(ctx, admin, requests.SystemInput{Name: "Web shop", OwnerEmail: "it@acme.example",
			Kind: requests.SystemAutomatic, Active: true})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := runner.SetConnector(ctx, admin, sys.ID, run.ConnectorInput{Dataset: customerIDDataset, URL: shop}); err != nil {
			t.Fatal(err)
		}
		// Alice writes from a new address; her account is customer 2.
		const newAddress = "alice.new@example.net"
		rc, err := reqs.Submit(ctx, requests.SubmitInput{Email: newAddress, Name: "Alice Dupont", Subject: "Mes données",
			Type: requests.TypeAccess, Description: "Bonjour, je voudrais mes données.", Region: "fr", Language: i18n.FR},
			requests.SubmitMeta{})
		if err != nil {
			t.Fatal(err)
		}
		if err := reqs.VerifyManually(ctx, admin, rc.ID, "Rappel au numéro du compte client"); err != nil {
			t.Fatal(err)
		}
		// The job runs as soon as the request is verified, before the
		// agent knows the customer number: it finds nothing of hers.
		tasks, err := reqs.Tasks(ctx, rc.ID)
		if err != nil || len(tasks) != 1 {
			t.Fatalf("tasks %v %v", tasks, err)
		}
		if err := runner.Work(ctx, tasks[0].ID, 1, run.MaxAttempts); err != nil {
			t.Fatal(err)
		}
		if tasks, _ = reqs.Tasks(ctx, rc.ID); tasks[0].State != requests.TaskDone {
			t.Fatalf("task %s: %s", tasks[0].State, tasks[0].Note)
		}
		if _, err := reqs.AddIdentity(ctx, admin, rc.ID, requests.IdentityInput{Key: requests.IdentityCustomerID, Value: "2",
			Method: requests.IdentityAccountLogin}); err != nil {
			t.Fatal(err)
		}
		// The agent runs the done task again; it is open until its job ends.
		if err := runner.Rerun(ctx, admin, rc.ID, tasks[0].ID); err != nil {
			t.Fatal(err)
		}
		if tasks, _ = reqs.Tasks(ctx, rc.ID); tasks[0].State != requests.TaskOpen {
			t.Fatalf("task %s after run again, want open", tasks[0].State)
		}
		if err := runner.Work(ctx, tasks[0].ID, 1, run.MaxAttempts); err != nil {
			t.Fatal(err)
		}
		if tasks, _ = reqs.Tasks(ctx, rc.ID); tasks[0].State != requests.TaskDone {
			t.Fatalf("task %s: %s", tasks[0].State, tasks[0].Note)
		}
		if err := runner.Rerun(ctx, admin, rc.ID, "not-a-task"); err == nil {
			t.Error("a run again of an unknown task was accepted")
		}

		raw := shoptest.Open(t, shop)
		pg := d.Dialect == db.Postgres
		want := map[string][]int64{
			"shop:customers": {2},
			"shop:addresses": shoptest.IDs(t, raw, pg, "SELECT id FROM addresses WHERE customer_id = ? ORDER BY id", 2),
			"shop:orders":    shoptest.IDs(t, raw, pg, "SELECT id FROM orders WHERE customer_id = ? ORDER BY id", 2),
			"shop:order_lines": shoptest.IDs(t, raw, pg,
				"SELECT id FROM order_lines WHERE order_id IN (SELECT id FROM orders WHERE customer_id = ?) ORDER BY id", 2),
			"shop:tickets": shoptest.IDs(t, raw, pg, "SELECT id FROM tickets WHERE customer_id = ? OR email = ? ORDER BY id", 2, newAddress),
		}
		// Both runs left their package; the second one is read.
		files, err := reqs.Attachments(ctx, rc.ID)
		if err != nil || len(files) != 2 {
			t.Fatalf("attachments %v %v", files, err)
		}
		_, content, err := reqs.OpenAttachment(ctx, admin, rc.ID, files[1].ID)
		if err != nil {
			t.Fatal(err)
		}
		zr, err := zip.NewReader(bytes.NewReader(content), int64(len(content)))
		if err != nil {
			t.Fatal(err)
		}
		var doc map[string][]map[string]any
		for _, zf := range zr.File {
			rc, err := zf.Open()
			if err != nil {
				t.Fatal(err)
			}
			b, err := io.ReadAll(rc)
			rc.Close()
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range shoptest.Others {
				if strings.Contains(string(b), s) {
					t.Errorf("%s holds %q, another person's data", zf.Name, s)
				}
			}
			if zf.Name == "data.json" {
				if err := json.Unmarshal(b, &doc); err != nil {
					t.Fatal(err)
				}
			}
		}
		for k, ids := range want {
			if len(ids) == 0 {
				t.Fatalf("the shop gives customer 2 no %s", k)
			}
			var got []int64
			for _, row := range doc[k] {
				got = append(got, int64(row["id"].(float64)))
			}
			slices.Sort(got)
			if !slices.Equal(got, ids) {
				t.Errorf("%s: ids %v, want %v", k, got, ids)
			}
		}
	})
}
