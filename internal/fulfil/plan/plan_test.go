package plan_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/garde-privacy/garde/internal/fulfil/dataset"
	"github.com/garde-privacy/garde/internal/fulfil/plan"
	"github.com/garde-privacy/garde/internal/fulfil/shoptest"
)

func shopSet(t *testing.T, extra string) *dataset.Set {
	t.Helper()
	ds, err := dataset.Parse("shop.yaml", []byte(shoptest.Dataset+extra))
	if err != nil {
		t.Fatal(err)
	}
	set, err := dataset.Check(ds)
	if err != nil {
		t.Fatal(err)
	}
	return set
}

func keys(p *plan.Plan) []string {
	var out []string
	for _, s := range p.Steps {
		out = append(out, s.Collection.Key())
	}
	return out
}

func TestOrderFollowsReferences(t *testing.T) {
	set := shopSet(t, "")
	p, err := plan.Build(set, []plan.Identity{{Key: "email", Value: "a@example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	want := "shop.customers shop.tickets shop.addresses shop.orders shop.order_lines"
	if got := strings.Join(keys(p), " "); got != want {
		t.Fatalf("order %s, want %s", got, want)
	}
	tickets := p.Steps[1]
	if len(tickets.Seeds) != 1 || tickets.Seeds[0].Field.Name != "email" ||
		len(tickets.Inputs) != 1 || tickets.Inputs[0].Field.Name != "customer_id" || tickets.Inputs[0].From.Collection.Name != "customers" {
		t.Errorf("tickets found by seeds %v inputs %v", tickets.Seeds, tickets.Inputs)
	}
	lines := p.Steps[4]
	if !lines.DeleteRows || len(lines.Inputs) != 1 || lines.Inputs[0].From.Name != "id" || lines.Inputs[0].From.Collection.Name != "orders" {
		t.Errorf("order lines: %+v", lines)
	}

	// By phone: tickets are reached only through the customer, the
	// reference without direction carrying the customer ids to them.
	p, err = plan.Build(set, []plan.Identity{{Key: "phone_number", Value: "+32470000002"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(keys(p), " "); got != "shop.customers shop.addresses shop.orders shop.tickets shop.order_lines" {
		t.Fatalf("order by phone %s", got)
	}
	if s := p.Steps[3]; len(s.Seeds) != 0 || len(s.Inputs) != 1 {
		t.Errorf("tickets by phone: %+v", s)
	}
}

func TestErasureChanges(t *testing.T) {
	p, err := plan.Build(shopSet(t, ""), []plan.Identity{{Key: "email", Value: "a@example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, s := range p.Steps {
		for _, c := range s.Changes {
			got[s.Collection.Name+"."+c.Field.Name] = string(c.Strategy)
		}
	}
	want := map[string]string{
		"customers.email": "keyed_hash", "customers.first_name": "null", "customers.last_name": "fixed", "customers.phone": "random_format",
		"tickets.email": "keyed_hash", "tickets.subject": "keyed_hash", "tickets.body": "keyed_hash",
		"addresses.street": "keyed_hash", "addresses.city": "keyed_hash", "addresses.postal_code": "keyed_hash",
	}
	if len(got) != len(want) {
		t.Errorf("changes %v", got)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %q, want %q", k, got[k], v)
		}
	}
	var buf bytes.Buffer
	p.Print(&buf)
	out := buf.String()
	for _, s := range []string{
		"1. shop.customers\n   found by: email = identity email\n",
		"2. shop.tickets\n   found by: email = identity email or customer_id in values of shop.customers.id\n",
		"   erasure:  deletes the rows found\n",
		"   erasure:  email (keyed hash), first_name (set to NULL), last_name (fixed value), phone (random, same format)\n",
		"4. shop.orders\n   found by: customer_id in values of shop.customers.id\n   reads:    id, customer_id, placed_at, total_cents\n   erasure:  changes nothing\n",
	} {
		if !strings.Contains(out, s) {
			t.Errorf("plan lacks %q:\n%s", s, out)
		}
	}
	if strings.Contains(out, "a@example.com") {
		t.Errorf("the plan prints the identity value:\n%s", out)
	}
}

func TestUnreachedAndIdentityErrors(t *testing.T) {
	extra := `      - name: newsletter
        fields:
          - name: address
            data_categories: [user.contact.email]
            fides_meta: {identity: newsletter_email}
`
	set := shopSet(t, extra)
	p, err := plan.Build(set, []plan.Identity{{Key: "email", Value: "a@example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Unreached) != 1 || p.Unreached[0].Key() != "shop.newsletter" {
		t.Fatalf("unreached %v", p.Unreached)
	}
	var buf bytes.Buffer
	p.Print(&buf)
	if !strings.Contains(buf.String(), "Not reached with these identities: shop.newsletter") {
		t.Errorf("plan:\n%s", buf.String())
	}
	if _, err := plan.Build(set, []plan.Identity{{Key: "emial", Value: "x"}}); err == nil || !strings.Contains(err.Error(), `no field of the datasets takes the identity "emial" (they take: email, newsletter_email, phone_number)`) {
		t.Errorf("typo: %v", err)
	}
	if _, err := plan.Build(set, nil); err == nil {
		t.Error("no identity accepted")
	}
	for in, want := range map[string]plan.Identity{
		"email=a@example.com": {Key: "email", Value: "a@example.com"},
		" Phone = +3247000 ":  {Key: "phone_number", Value: "+3247000"},
		"account=42":          {Key: "account_id", Value: "42"},
		"loyalty_card=A=B":    {Key: "loyalty_card", Value: "A=B"},
	} {
		got, err := plan.ParseIdentity(in)
		if err != nil || got != want {
			t.Errorf("ParseIdentity(%q) = %+v, %v", in, got, err)
		}
	}
	for _, bad := range []string{"email", "=x", "email="} {
		if _, err := plan.ParseIdentity(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
