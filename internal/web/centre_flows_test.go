package web

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/requests"
)

// TestCentreNeutralAnswer: the page after the form tells nothing about
// the person. A first request from an address, a second one once that
// address is known (it has a confirmed request), and one from an address
// never seen get the same bytes but for the reference (and the address
// typed, which goes back into the resend form).
func TestCentreNeutralAnswer(t *testing.T) {
	t.Parallel()
	e := newCentreEnv(t)
	c := e.person(i18n.FR)

	first := c.post(centreFormPath, requestForm("known@example.fr"))
	first.mustStatus(t, http.StatusOK)
	code := find(t, codeRE, plain(t, e.mailTo("known@example.fr", 1)[0]))
	ref := find(t, referenceRE, first.body)
	r := c.post(centreVerifyPath, url.Values{"reference": {ref}, "code": {code}})
	r.mustStatus(t, http.StatusSeeOther)
	c.get(r.Header.Get("Location")).mustContain(t, "Merci : votre adresse e-mail est confirmée")

	known := c.post(centreFormPath, requestForm("known@example.fr"))
	known.mustStatus(t, http.StatusOK)
	unknown := c.post(centreFormPath, requestForm("never-seen@example.fr"))
	unknown.mustStatus(t, http.StatusOK)

	norm := func(s string) string {
		return strings.ReplaceAll(referenceRE.ReplaceAllString(s, "GR-XXXX-XX"), "never-seen@example.fr", "known@example.fr")
	}
	if referenceRE.FindString(known.body) == ref {
		t.Fatal("the second request got the first one's reference")
	}
	if norm(first.body) != norm(known.body) {
		t.Errorf("the answer differs once the address is known:\n%s", diffAt(norm(first.body), norm(known.body)))
	}
	if norm(first.body) != norm(unknown.body) {
		t.Errorf("the answer differs for an unknown address:\n%s", diffAt(norm(first.body), norm(unknown.body)))
	}
	// Both got their verification email, in French.
	e.mailAbout("known@example.fr", "Confirmez votre demande "+referenceRE.FindString(known.body))
	e.mailAbout("never-seen@example.fr", "Confirmez votre demande "+referenceRE.FindString(unknown.body))
}

// diffAt shows where two strings part.
func diffAt(a, b string) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	lo := max(0, i-80)
	return "…" + a[lo:min(len(a), i+80)] + "\n---\n…" + b[lo:min(len(b), i+80)]
}

// TestCentreStatusFlow follows a request in English from the form to its
// end: the link from the email confirms it, the status page shows the due
// date of its law, the person writes, the business answers, the person
// withdraws after confirming; a used link reports it was used.
func TestCentreStatusFlow(t *testing.T) {
	t.Parallel()
	e := newCentreEnv(t)
	ctx := context.Background()
	c := e.person(i18n.EN)

	ref := c.submit(t, requestForm("jo@example.org", "region", "CA-QC", "type", "erasure"))
	verify := localPart(t, find(t, verifyURLRE, plain(t, e.mailTo("jo@example.org", 1)[0])))
	// Opening the link changes nothing (mail scanners open links too): it
	// shows a button, and the request still awaits confirmation.
	r := c.get(verify)
	r.mustStatus(t, http.StatusOK)
	r.mustContain(t, "<h1>Confirm your request</h1>", "Confirm my request")
	if rp := r.Header.Get("Referrer-Policy"); rp != "no-referrer" {
		t.Errorf("verification link: Referrer-Policy %q", rp)
	}
	if req, err := e.svc.GetByReference(ctx, ref); err != nil || req.State != requests.StateReceived {
		t.Fatalf("after opening the link: %v, %v", req, err)
	}
	r = c.confirmLink(t, verify)
	r.mustStatus(t, http.StatusSeeOther)
	statusPath := r.Header.Get("Location")

	req, err := e.svc.GetByReference(ctx, ref)
	if err != nil {
		t.Fatal(err)
	}
	due := requests.FormatDate(i18n.EN, req.DueDate)
	page := c.get(statusPath)
	page.mustStatus(t, http.StatusOK)
	page.mustContain(t, "Thank you: your email address is confirmed", "<h1>Your request "+ref+"</h1>",
		"<dd>Erasure</dd>", "<strong>Confirmed</strong>", `<strong class="centre-due">`+due+`</strong>`,
		"We will answer you by "+due+" at the latest.", "We received your request.", "Status changed: Confirmed",
		`action="/privacy/status/reply"`, `action="/privacy/status/withdraw"`)
	page.mustNotContain(t, "download")
	if rp := page.Header.Get("Referrer-Policy"); rp != "no-referrer" {
		t.Errorf("status page: Referrer-Policy %q", rp)
	}
	// The acknowledgement email gives the same date.
	ack := e.mailAbout("jo@example.org", "Your request "+ref+" is registered")
	if body := plain(t, ack); !strings.Contains(body, due) {
		t.Errorf("acknowledgement lacks the due date %s:\n%s", due, body)
	}
	// Its status link opens the same page.
	c.get(localPart(t, find(t, statusURLRE, plain(t, ack)))).mustContain(t, "<h1>Your request "+ref+"</h1>")

	// The link used again: still fine, and said so.
	r = c.confirmLink(t, verify)
	r.mustStatus(t, http.StatusSeeOther)
	c.get(r.Header.Get("Location")).mustContain(t, "Your request was already confirmed.")

	token := strings.TrimPrefix(statusPath, centreStatusPath+"?token=")
	token, _ = url.QueryUnescape(token)

	// An empty message is refused at its box; a long one too, kept.
	r = c.post(centreReplyPath, url.Values{"token": {token}, "message": {"  "}})
	r.mustStatus(t, http.StatusUnprocessableEntity)
	r.mustContain(t, `<a href="#reply-message">Write a message.</a>`, `aria-invalid="true"`)
	long := strings.Repeat("é", requests.MaxBodyLen+1)
	r = c.post(centreReplyPath, url.Values{"token": {token}, "message": {long}})
	r.mustStatus(t, http.StatusUnprocessableEntity)
	r.mustContain(t, long+"</textarea>")

	r = c.post(centreReplyPath, url.Values{"token": {token}, "message": {"My old shop was <Le Comptoir>.\nThanks"}})
	r.mustStatus(t, http.StatusSeeOther)
	page = c.get(r.Header.Get("Location"))
	page.mustContain(t, "Your message has been sent.", `<li class="centre-mine">`, "Your message",
		"My old shop was &lt;Le Comptoir&gt;.\nThanks")

	// The business answers from the back office: the person sees it.
	if _, err := e.svc.Reply(ctx, requests.TokenActor("test"), req.ID, "We found two accounts. Which one?"); err != nil {
		t.Fatal(err)
	}
	c.get(statusPath).mustContain(t, "Message from us", "We found two accounts. Which one?")

	// Withdrawing asks first, then withdraws.
	r = c.post(centreWithdrawPath, url.Values{"token": {token}})
	r.mustStatus(t, http.StatusOK)
	r.mustContain(t, "<h1>Withdraw your request?</h1>", "You are about to withdraw request "+ref+" (Erasure).",
		`<input type="hidden" name="confirm" value="yes">`)
	if got, _ := e.svc.Get(ctx, req.ID); got.State != requests.StateVerified {
		t.Fatalf("state %s after the first step", got.State)
	}
	r = c.post(centreWithdrawPath, url.Values{"token": {token}, "confirm": {"yes"}})
	r.mustStatus(t, http.StatusSeeOther)
	page = c.get(r.Header.Get("Location"))
	page.mustContain(t, "Your request has been withdrawn.", "<strong>Closed</strong>", "<dd>Withdrawn</dd>")
	page.mustNotContain(t, `action="/privacy/status/reply"`, `action="/privacy/status/withdraw"`, "centre-due")
	if got, _ := e.svc.Get(ctx, req.ID); got.State != requests.StateClosed || got.Outcome != requests.OutcomeWithdrawn {
		t.Fatalf("request %s/%s after withdrawal", got.State, got.Outcome)
	}
	closure := plain(t, e.mailAbout("jo@example.org", "Your request "+ref+" is closed"))
	if !strings.Contains(closure, "withdrawn, as you asked") {
		t.Errorf("closure email:\n%s", closure)
	}
	// Nothing more can be done to a closed request.
	c.post(centreWithdrawPath, url.Values{"token": {token}, "confirm": {"yes"}}).mustStatus(t, http.StatusConflict)
	r = c.post(centreReplyPath, url.Values{"token": {token}, "message": {"one more thing"}})
	r.mustStatus(t, http.StatusConflict)
	r.mustContain(t, `class="flash flash-err"`)
}

// TestCentreCode confirms a request with its code: a wrong code counts,
// five lock it, a resend gives a new one, and the right one opens the
// status page.
func TestCentreCode(t *testing.T) {
	t.Parallel()
	e := newCentreEnv(t)
	c := e.person(i18n.NL)
	ref := c.submit(t, requestForm("noor@example.nl", "region", "NL"))
	mail := plain(t, e.mailTo("noor@example.nl", 1)[0])
	code := strings.ReplaceAll(find(t, codeRE, mail), " ", "")
	wrong := "000000"
	if code == wrong {
		wrong = "111111"
	}
	nl := e.cat.For(i18n.NL)
	for i := 1; i <= requests.MaxCodeAttempts; i++ {
		r := c.post(centreVerifyPath, url.Values{"reference": {strings.ToLower(ref)}, "code": {wrong}})
		r.mustStatus(t, http.StatusUnprocessableEntity)
		want := requests.ErrCodeInvalid.ID
		if i == requests.MaxCodeAttempts {
			want = requests.ErrCodeLocked.ID
		}
		r.mustContain(t, esc(nl.T(want)))
	}
	// Locked: even the right code is refused now.
	c.post(centreVerifyPath, url.Values{"reference": {ref}, "code": {code}}).mustContain(t, esc(nl.T(requests.ErrCodeLocked.ID)))

	// A new email is too soon; the page says so and when to come back.
	r := c.post(centreResendPath, url.Values{"reference": {ref}, "email": {"noor@example.nl"}})
	r.mustStatus(t, http.StatusTooManyRequests)
	if r.Header.Get("Retry-After") == "" {
		t.Error("no Retry-After on a resend too soon")
	}
	r.mustContain(t, `class="flash flash-err"`, `<input type="hidden" name="reference" value="`+ref+`">`)
}

// TestCentreTask: the owner of a manual system gets a link when a request
// is confirmed, sees what the person asks, marks the task done with a
// note; the link then says the task is done.
func TestCentreTask(t *testing.T) {
	t.Parallel()
	e := newCentreEnv(t)
	ctx := context.Background()
	if _, err := e.svc.CreateSystem(ctx, requests.TokenActor("test"), requests.SystemInput{
		Name: "Linked eCom shop", OwnerEmail: "shop-owner@example.org", Kind: requests.SystemManual, Active: true,
	}); err != nil {
		t.Fatal(err)
	}
	person := e.person(i18n.FR)
	ref, _ := e.verifiedStatus(t, person, "ana@example.fr", "account_id", "ACC-42", "description", "Supprimez mes données.\nMerci")

	owner := e.person(i18n.EN)
	taskMail := e.mailTo("shop-owner@example.org", 1)[0]
	taskPath := localPart(t, find(t, taskURLRE, plain(t, taskMail)))
	page := owner.get(taskPath)
	page.mustStatus(t, http.StatusOK)
	page.mustContain(t, "<h1>Privacy request for Linked eCom shop</h1>", "Request "+ref, "ana@example.fr", "Camille Martin",
		"ACC-42", "Supprimez mes données.\nMerci", `action="/privacy/task"`, `<label for="task-note">Note (optional)</label>`)
	if rp := page.Header.Get("Referrer-Policy"); rp != "no-referrer" {
		t.Errorf("task page: Referrer-Policy %q", rp)
	}
	token, _ := url.QueryUnescape(strings.TrimPrefix(taskPath, centreTaskPath+"?token="))

	// A note too long comes back with its error and the text.
	long := strings.Repeat("n", requests.MaxBodyLen+1)
	r := owner.post(centreTaskPath, url.Values{"token": {token}, "note": {long}})
	r.mustStatus(t, http.StatusUnprocessableEntity)
	r.mustContain(t, `<a href="#task-note">`, long+"</textarea>")

	r = owner.post(centreTaskPath, url.Values{"token": {token}, "note": {"Customer deleted from the shop."}})
	r.mustStatus(t, http.StatusOK)
	r.mustContain(t, "Thank you, the task is done", "The task for Linked eCom shop on request "+ref+" is marked done.")

	req, err := e.svc.GetByReference(ctx, ref)
	if err != nil {
		t.Fatal(err)
	}
	tasks, err := e.svc.Tasks(ctx, req.ID)
	if err != nil || len(tasks) != 1 || tasks[0].State != requests.TaskDone || tasks[0].Note != "Customer deleted from the shop." {
		t.Fatalf("tasks %+v, %v", tasks, err)
	}
	// The link used again: "already done", the same for a page or a post.
	owner.get(taskPath).mustStatus(t, http.StatusGone)
	r = owner.post(centreTaskPath, url.Values{"token": {token}, "note": {"again"}})
	r.mustStatus(t, http.StatusGone)
	r.mustContain(t, "This task is already done or closed")
	if tasks, _ := e.svc.Tasks(ctx, req.ID); tasks[0].Note != "Customer deleted from the shop." {
		t.Errorf("the replay changed the note to %q", tasks[0].Note)
	}
}

// TestCentreRateLimits: past each limit the answer is 429 with a
// Retry-After and a page in the person's language; mistakes do not count
// against the limit of requests; the limit per address answers the same
// for an address that has requests and one that has none.
func TestCentreRateLimits(t *testing.T) {
	t.Parallel()
	e := newCentreEnv(t)

	tooMany := func(r *response) {
		t.Helper()
		r.mustStatus(t, http.StatusTooManyRequests)
		ra := r.Header.Get("Retry-After")
		if ok, _ := regexp.MatchString(`^[1-9][0-9]*$`, ra); !ok {
			t.Errorf("Retry-After %q", ra)
		}
	}

	t.Run("requests per client", func(t *testing.T) {
		c := e.person(i18n.FR)
		for i := 0; i < 3; i++ {
			c.post(centreFormPath, requestForm("")).mustStatus(t, http.StatusUnprocessableEntity)
		}
		for i := 0; i < 5; i++ {
			c.post(centreFormPath, requestForm("p"+string(rune('a'+i))+"@example.fr")).mustStatus(t, http.StatusOK)
		}
		r := c.post(centreFormPath, requestForm("pz@example.fr"))
		tooMany(r)
		r.mustContain(t, "<h1>Trop de tentatives</h1>", "Patientez 10 minutes")
		// Another client is not held back.
		e.person(i18n.FR).post(centreFormPath, requestForm("pz@example.fr")).mustStatus(t, http.StatusOK)
	})

	t.Run("requests per address, whoever the address is", func(t *testing.T) {
		// known@ has a confirmed request; unknown@ has never been seen.
		e.verifiedStatus(t, e.person(i18n.EN), "known@example.org")
		var last []string
		for _, addr := range []string{"known@example.org", "unknown@example.org"} {
			sent := 0
			if addr == "known@example.org" {
				sent = 1
			}
			for ; sent < 5; sent++ {
				e.person(i18n.EN).post(centreFormPath, requestForm(addr)).mustStatus(t, http.StatusOK)
			}
			r := e.person(i18n.EN).post(centreFormPath, requestForm(strings.ToUpper(addr)))
			tooMany(r)
			last = append(last, r.body)
		}
		if last[0] != last[1] {
			t.Errorf("the limit answers differently for a known address:\n%s", diffAt(last[0], last[1]))
		}
	})

	t.Run("confirmation attempts", func(t *testing.T) {
		c := e.person(i18n.EN)
		for i := 0; i < 20; i++ {
			c.post(centreVerifyPath, url.Values{"reference": {"GR-2345-67"}, "code": {"123456"}}).mustStatus(t, http.StatusUnprocessableEntity)
		}
		tooMany(c.post(centreVerifyPath, url.Values{"reference": {"GR-2345-67"}, "code": {"123456"}}))
		tooMany(c.get(centreVerifyPath + "?token=" + strings.Repeat("A", 43)))
		tooMany(c.post(centreResendPath, url.Values{"reference": {"GR-2345-67"}, "email": {"a@example.org"}}))
	})

	t.Run("status and task links", func(t *testing.T) {
		c := e.person(i18n.NL)
		for i := 0; i < 120; i++ {
			c.get(centreStatusPath+"?token="+strings.Repeat("B", 75)).mustStatus(t, http.StatusGone)
		}
		r := c.get(centreTaskPath + "?token=" + strings.Repeat("B", 43))
		tooMany(r)
		r.mustContain(t, "Te veel pogingen")
	})

	t.Run("forms of any kind", func(t *testing.T) {
		c := e.person(i18n.EN)
		for i := 0; i < 30; i++ {
			c.post(centreReplyPath, url.Values{"token": {"C"}, "message": {"x"}}).mustStatus(t, http.StatusGone)
		}
		tooMany(c.post(centreFormPath, url.Values{}))
	})
}
