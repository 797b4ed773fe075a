package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/garde-privacy/garde/internal/audit"
	"github.com/garde-privacy/garde/internal/mail"
	"github.com/garde-privacy/garde/internal/operator"
)

// TestPasswordChange: a wrong current password is refused at the right
// field; a good change keeps this session, ends the others, and queues the
// password_changed email in the operator's language.
func TestPasswordChange(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.seed()
	c := e.as(operator.Agent)
	other := e.as(operator.Agent)
	c.setLang("nl")

	r := c.post("/account/password", url.Values{"current": {"wrong password here"}, "new": {"a brand new passphrase"}, "confirm": {"a brand new passphrase"}})
	r.mustStatus(t, http.StatusUnprocessableEntity)
	r.mustContain(t, `<a href="#password-current">Het huidige wachtwoord klopt niet.</a>`)

	r = c.post("/account/password", url.Values{"current": {password}, "new": {"short"}, "confirm": {"short"}})
	r.mustStatus(t, http.StatusUnprocessableEntity)
	r.mustContain(t, `<a href="#password-new">`)

	r = c.post("/account/password", url.Values{"current": {password}, "new": {"a brand new passphrase"}, "confirm": {"a brand new passphrase"}})
	r.mustStatus(t, http.StatusSeeOther)
	c.get("/account").mustContain(t, "Uw wachtwoord is gewijzigd.")

	// The other browser was signed out; this one was not.
	other.get("/account").mustStatus(t, http.StatusSeeOther)
	c.get("/").mustStatus(t, http.StatusOK)

	items, err := e.outbox.List(context.Background(), mail.ListFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 1 || items[0].To != "agent@example.org" || items[0].Template != mail.TemplatePasswordChanged || items[0].Lang != "nl" {
		t.Fatalf("outbox %+v, want one Dutch password_changed mail to agent@example.org", items)
	}
	// The new password works, the old one no longer does.
	e.client().post("/login", url.Values{"email": {"agent@example.org"}, "password": {password}}).mustStatus(t, http.StatusUnauthorized)
	e.client().post("/login", url.Values{"email": {"agent@example.org"}, "password": {"a brand new passphrase"}}).mustStatus(t, http.StatusSeeOther)
}

// TestOperatorsManagement: create, refuse a duplicate, change a role,
// disable and enable, with the rules about oneself and the owner role.
func TestOperatorsManagement(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.seed()
	owner := e.as(operator.Owner)
	admin := e.as(operator.Admin)
	ctx := context.Background()

	r := owner.post("/operators", url.Values{"email": {"new@example.org"}, "name": {"Noor"}, "role": {"viewer"}, "password": {password}})
	r.mustStatus(t, http.StatusSeeOther)
	list := owner.get("/operators")
	list.mustContain(t, "The operator has been added.", "new@example.org", "Noor")
	created, err := e.ops.GetByEmail(ctx, "new@example.org")
	if err != nil || created.Role != operator.Viewer {
		t.Fatalf("created %+v, %v", created, err)
	}

	r = owner.post("/operators", url.Values{"email": {"NEW@example.org"}, "name": {"Again"}, "role": {"agent"}, "password": {password}})
	r.mustStatus(t, http.StatusUnprocessableEntity)
	r.mustContain(t, `<a href="#new-email">An operator with this email address already exists.</a>`, `value="Again"`)
	r.mustNotContain(t, password)

	// An admin cannot create an owner, nor sees the choice.
	admin.get("/operators").mustNotContain(t, `<option value="owner"`)
	r = admin.post("/operators", url.Values{"email": {"boss2@example.org"}, "name": {"Boss"}, "role": {"owner"}, "password": {password}})
	r.mustStatus(t, http.StatusUnprocessableEntity)
	r.mustContain(t, "Only an owner can give, change or remove the owner role.")

	// Role change, then the operator's access follows it.
	nc := e.client()
	nc.login("new@example.org")
	nc.get("/audit").mustStatus(t, http.StatusForbidden)
	admin.post("/operators/"+created.ID+"/role", url.Values{"role": {"admin"}}).mustStatus(t, http.StatusSeeOther)
	admin.get("/operators").mustContain(t, "The role has been changed.")
	nc.get("/audit").mustStatus(t, http.StatusOK)

	// An admin cannot touch an owner; an owner cannot demote themselves here.
	ownerID := e.users[operator.Owner].ID
	admin.post("/operators/"+ownerID+"/role", url.Values{"role": {"viewer"}}).mustStatus(t, http.StatusSeeOther)
	admin.get("/operators").mustContain(t, "Only an owner can give, change or remove the owner role.")
	admin.post("/operators/"+ownerID+"/disable", nil).mustStatus(t, http.StatusSeeOther)
	owner.post("/operators/"+ownerID+"/role", url.Values{"role": {"viewer"}}).mustStatus(t, http.StatusSeeOther)
	owner.get("/operators").mustContain(t, "You cannot change your own account from this list.")
	if o, _ := e.ops.Get(ctx, ownerID); o.Role != operator.Owner || o.Disabled() {
		t.Fatalf("owner changed: %+v", o)
	}

	// Disable ends their session and sign-in; enable restores sign-in.
	owner.post("/operators/"+created.ID+"/disable", nil).mustStatus(t, http.StatusSeeOther)
	owner.get("/operators").mustContain(t, "The operator can no longer sign in.", "Disabled")
	nc.get("/").mustStatus(t, http.StatusSeeOther)
	e.client().post("/login", url.Values{"email": {"new@example.org"}, "password": {password}}).mustStatus(t, http.StatusUnauthorized)
	owner.post("/operators/"+created.ID+"/enable", nil).mustStatus(t, http.StatusSeeOther)
	owner.get("/operators").mustContain(t, "The operator can sign in again.")
	e.client().login("new@example.org")

	// Each change is in the audit log under the acting operator.
	entries, err := e.audit.List(ctx, audit.ListFilter{Actor: operator.ActorOf(e.users[operator.Owner].ID), Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	actions := map[string]bool{}
	for _, en := range entries {
		actions[en.Action] = true
	}
	for _, a := range []string{"operator.created", "operator.disabled", "operator.enabled"} {
		if !actions[a] {
			t.Errorf("no %s entry by the owner; got %v", a, actions)
		}
	}
}

var secretRE = regexp.MustCompile(`value="(` + operator.TokenPrefix + `[A-Za-z0-9_-]+)"`)

// TestTokens: the secret is shown once, works against the service, and
// stops working once revoked from the page.
func TestTokens(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.seed()
	c := e.as(operator.Admin)
	ctx := context.Background()

	r := c.post("/tokens", url.Values{"name": {"Shop"}, "scopes": {"audit:read"}})
	r.mustStatus(t, http.StatusOK)
	m := secretRE.FindStringSubmatch(r.body)
	if m == nil {
		t.Fatalf("no token shown:\n%s", excerpt(r.body))
	}
	raw := m[1]
	r.mustContain(t, "It will not be shown again.")
	tok, err := e.ops.AuthenticateToken(ctx, raw)
	if err != nil || !tok.Allows("audit:read") || tok.Allows("mail:read") || tok.ExpiresAt != nil {
		t.Fatalf("token %+v, %v", tok, err)
	}

	list := c.get("/tokens")
	list.mustContain(t, "Shop", "Read the audit log")
	list.mustNotContain(t, raw)

	r = c.post("/tokens", url.Values{"name": {"Expiring"}, "scopes": {"mail:read"}, "days": {"7"}})
	r.mustStatus(t, http.StatusOK)
	if tok2, err := e.ops.AuthenticateToken(ctx, secretRE.FindStringSubmatch(r.body)[1]); err != nil || tok2.ExpiresAt == nil {
		t.Errorf("7-day token: %+v %v", tok2, err)
	}

	for name, form := range map[string]url.Values{
		"no scope":       {"name": {"X"}},
		"unknown scope":  {"name": {"X"}, "scopes": {"root"}},
		"bad days":       {"name": {"X"}, "scopes": {"admin"}, "days": {"0"}},
		"days not a num": {"name": {"X"}, "scopes": {"admin"}, "days": {"soon"}},
		"no name":        {"scopes": {"admin"}},
	} {
		r := c.post("/tokens", form)
		if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.body, `class="error-summary"`) || secretRE.MatchString(r.body) {
			t.Errorf("%s: status %d", name, r.StatusCode)
		}
	}

	c.post("/tokens/"+tok.ID+"/revoke", nil).mustStatus(t, http.StatusSeeOther)
	c.get("/tokens").mustContain(t, "The token has been revoked.", "Revoked")
	if _, err := e.ops.AuthenticateToken(ctx, raw); err == nil {
		t.Error("revoked token still works")
	}
}

// TestMailPage: a test email is queued through the outbox and listed;
// the status filter narrows the list.
func TestMailPage(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.seed()
	c := e.as(operator.Owner)
	c.setLang("fr")
	r := c.post("/mail/test", url.Values{"to": {"ops@example.org"}})
	r.mustStatus(t, http.StatusSeeOther)
	page := c.get("/mail")
	page.mustContain(t, "Le courriel de test est dans la file d’envoi.", "ops@example.org", "En attente", "(test)")
	c.get("/mail?status=sent").mustNotContain(t, "ops@example.org")
	c.get("/mail?status=queued").mustContain(t, "ops@example.org")
	items, err := e.outbox.List(context.Background(), mail.ListFilter{Status: mail.StatusQueued})
	if err != nil || len(items) != 1 || items[0].Template != mail.TemplateTest || items[0].Lang != "fr" {
		t.Fatalf("outbox %+v %v", items, err)
	}
	for _, bad := range []string{"", "not-an-address", "Jo <jo@example.org>", "a@b.c, d@e.f"} {
		r := c.post("/mail/test", url.Values{"to": {bad}})
		if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.body, `href="#test-to"`) {
			t.Errorf("to=%q: status %d", bad, r.StatusCode)
		}
	}
}

// TestAuditPage: pages of 50 going back, the verify button on an intact
// chain, then on one changed directly in the database.
func TestAuditPage(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.seed()
	ctx := context.Background()
	for i := range 60 {
		if _, err := e.audit.RecordNow(ctx, "system", "test.event", fmt.Sprintf("item:%d", i), map[string]any{"n": i}); err != nil {
			t.Fatal(err)
		}
	}
	head, _, _ := e.audit.Head(ctx)
	c := e.as(operator.Admin)
	first := c.get("/audit")
	first.mustStatus(t, http.StatusOK)
	first.mustContain(t, "item:59", `rel="next"`)
	first.mustNotContain(t, "item:0<")
	m := regexp.MustCompile(`href="/audit\?before=(\d+)"`).FindStringSubmatch(first.body)
	if m == nil {
		t.Fatal("no link to older entries")
	}
	older := c.get("/audit?before=" + m[1])
	older.mustContain(t, "item:0<", "Newest entries")
	older.mustNotContain(t, "item:59")

	r := c.post("/audit/verify", nil)
	r.mustStatus(t, http.StatusOK)
	r.mustContain(t, "The chain is intact:", "entries checked.")

	if _, err := e.db.Exec(ctx, "UPDATE audit_log SET target = ? WHERE seq = ?", "item:forged", 7); err != nil {
		t.Fatal(err)
	}
	r = c.post("/audit/verify", nil)
	r.mustContain(t, "The chain is broken at entry 7.", "This entry was changed after it was written.")
	c.setLang("fr")
	c.post("/audit/verify", nil).mustContain(t, "La chaîne est rompue à l’entrée 7.")
	if head.Seq < 60 {
		t.Errorf("head %d", head.Seq)
	}
}

// TestDashboardCounts: the figures follow the database.
func TestDashboardCounts(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.seed()
	c := e.as(operator.Owner)
	c.post("/mail/test", url.Values{"to": {"a@example.org"}}).mustStatus(t, http.StatusSeeOther)
	c.post("/mail/test", url.Values{"to": {"b@example.org"}}).mustStatus(t, http.StatusSeeOther)
	if _, err := e.ops.Create(context.Background(), operator.ActorCLI, operator.NewOperator{Email: "x@example.org", Name: "X", Role: operator.Viewer, Password: password}); err != nil {
		t.Fatal(err)
	}
	if err := e.ops.Disable(context.Background(), operator.ActorCLI, "x@example.org"); err != nil {
		t.Fatal(err)
	}
	head, _, _ := e.audit.Head(context.Background())
	r := c.get("/")
	r.mustContain(t, `<p class="figure">5</p>`, "4 active operators", "<dt>Queued</dt><dd>2</dd>",
		fmt.Sprintf(`<p class="figure">%d</p>`, head.Seq))
}
