package requests

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/operator"
	"github.com/garde-privacy/garde/internal/testutil/dbtest"
)

// machine is the state machine as the issue describes it, written out
// independently of Transitions: from>to and who (s: system, p: the person,
// a: an agent).
var machine = map[string]string{
	"received>verified": "pa", "received>expired": "s", "received>rejected": "a", "received>closed": "a",
	"verified>in_progress": "a", "verified>identity_check": "a", "verified>completed": "a",
	"verified>rejected": "a", "verified>closed": "pa",
	"in_progress>identity_check": "a", "in_progress>completed": "a", "in_progress>rejected": "a", "in_progress>closed": "pa",
	"identity_check>in_progress": "a", "identity_check>rejected": "a", "identity_check>closed": "pa",
}

func TestStateMachineTable(t *testing.T) {
	parties := map[byte]Who{'s': BySystem, 'p': BySubject, 'a': ByAgent}
	for _, from := range States {
		for _, to := range States {
			for letter, who := range parties {
				want := strings.IndexByte(machine[string(from)+">"+string(to)], letter) >= 0
				if got := Allowed(from, to, who); got != want {
					t.Errorf("Allowed(%s, %s, %c) = %v, want %v", from, to, letter, got, want)
				}
			}
		}
		if from.Terminal() && len(Next(from, BySystem|BySubject|ByAgent)) != 0 {
			t.Errorf("terminal state %s has a way out", from)
		}
	}
	if got := Next(StateVerified, BySubject); len(got) != 1 || got[0] != StateClosed {
		t.Errorf("Next(verified, subject) = %v", got)
	}
}

// reach returns a new request in the given state.
func (f *fixture) reach(state State) *Request {
	f.t.Helper()
	agent := f.as(f.agent)
	rc := f.submit(input())
	var err error
	switch state {
	case StateReceived:
	case StateExpired:
		f.clock.Add(VerificationTTL)
		_, err = f.svc.expire(f.ctx, rc.ID)
	default:
		f.verifyLink(jo)
		switch state {
		case StateInProgress:
			err = f.svc.Start(f.ctx, agent, rc.ID)
		case StateIdentityCheck:
			err = f.svc.StartIdentityCheck(f.ctx, agent, rc.ID, "The address differs from the account's.")
		case StateCompleted:
			err = f.svc.Complete(f.ctx, agent, rc.ID, OutcomeFulfilled, "")
		case StateClosed:
			err = f.svc.Close(f.ctx, agent, rc.ID, OutcomeDuplicate, "")
		case StateRejected:
			err = f.svc.Reject(f.ctx, agent, rc.ID, "Manifestly excessive.")
		}
	}
	if err != nil {
		f.t.Fatalf("reach %s: %v", state, err)
	}
	r := f.get(rc.ID)
	if r.State != state {
		f.t.Fatalf("reach %s: got %s", state, r.State)
	}
	return r
}

func transitionInput(to State) TransitionInput {
	in := TransitionInput{To: to, Reason: "Explained on the phone.", Method: IdentityDocument}
	switch to {
	case StateCompleted:
		in.Outcome = OutcomeFulfilled
	case StateClosed:
		in.Outcome = OutcomeDuplicate
	}
	return in
}

// Every move an agent may make works through Transition, with its event
// and audit entry; every other move is refused with both states named.
func TestTransitionsThroughTheService(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		agent := f.as(f.agent)
		for _, from := range States {
			for _, to := range States {
				if from == to {
					continue
				}
				name := fmt.Sprintf("%s>%s", from, to)
				r := f.reach(from)
				audits, events := len(f.auditActions(r.ID)), len(f.events(r.ID))
				got, err := f.svc.Transition(f.ctx, agent, r.ID, transitionInput(to))
				if Allowed(from, to, ByAgent) {
					if err != nil || got.State != to {
						t.Fatalf("%s: %v", name, err)
					}
					if n := len(f.auditActions(r.ID)); n <= audits {
						t.Errorf("%s: no audit entry", name)
					}
					es := f.events(r.ID)
					found := false
					for _, e := range es[events:] {
						found = found || (e.Kind == EventStateChanged && e.Data["from"] == string(from) && e.Data["to"] == string(to))
					}
					if !found {
						t.Errorf("%s: no state_changed event in %v", name, kinds(es[events:]))
					}
					if to.Terminal() != (got.ClosedAt != nil) {
						t.Errorf("%s: closed_at %v", name, got.ClosedAt)
					}
					continue
				}
				ie := wantErr(t, err, "requests.error.transition_not_allowed")
				if ie.Data["From"] != string(from) || ie.Data["To"] != string(to) {
					t.Errorf("%s: error data %v", name, ie.Data)
				}
				msg := ie.Localize(cat.For(i18n.FR))
				if !strings.Contains(msg, "« "+string(from)+" »") {
					t.Errorf("%s: French message %q", name, msg)
				}
				if r2 := f.get(r.ID); r2.State != from || len(f.auditActions(r.ID)) != audits || len(f.events(r.ID)) != events {
					t.Errorf("%s: refused move changed something", name)
				}
			}
		}
	})
}

func TestOnlyAgentsMoveRequests(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		r := f.reach(StateVerified)
		for _, actor := range []Actor{f.as(f.viewer), {}, SystemActor, {Kind: ActorSubject, ID: "x"}, {Kind: ActorOperator, Role: operator.Owner}} {
			_, err := f.svc.Transition(f.ctx, actor, r.ID, transitionInput(StateInProgress))
			if !errors.Is(err, ErrForbidden) {
				t.Errorf("%+v: %v", actor, err)
			}
		}
		// Admins and owners are agents too.
		if err := f.svc.Start(f.ctx, f.as(f.owner), r.ID); err != nil {
			t.Fatal(err)
		}
		// Bad inputs to the use cases.
		r = f.reach(StateVerified)
		agent := f.as(f.agent)
		if _, err := f.svc.Transition(f.ctx, agent, r.ID, TransitionInput{To: StateRejected}); err != ErrReasonRequired {
			t.Errorf("reject without reason: %v", err)
		}
		if _, err := f.svc.Transition(f.ctx, agent, r.ID, TransitionInput{To: StateCompleted, Outcome: OutcomeDuplicate}); err != ErrOutcomeInvalid {
			t.Errorf("completed as duplicate: %v", err)
		}
		if _, err := f.svc.Transition(f.ctx, agent, r.ID, TransitionInput{To: StateClosed, Outcome: "whatever"}); err != ErrOutcomeInvalid {
			t.Errorf("closed as whatever: %v", err)
		}
		if _, err := f.svc.Transition(f.ctx, agent, r.ID, TransitionInput{To: "gone"}); err == nil {
			t.Error("unknown state accepted")
		}
		if _, err := f.svc.Transition(f.ctx, agent, r.ID, TransitionInput{To: StateRejected, Reason: strings.Repeat("x", MaxReasonLen+1)}); err != ErrReasonLong {
			t.Errorf("long reason: %v", err)
		}
		if _, err := f.svc.Transition(f.ctx, agent, "not-an-id", transitionInput(StateInProgress)); err != ErrNotFound {
			t.Errorf("bad id: %v", err)
		}
		if _, err := f.svc.Transition(f.ctx, agent, "0190d9c2-0000-7000-8000-000000000000", transitionInput(StateInProgress)); err != ErrNotFound {
			t.Errorf("unknown id: %v", err)
		}
		if r := f.get(r.ID); r.State != StateVerified {
			t.Errorf("state %s after refused moves", r.State)
		}
	})
}

func TestIdentityCheckRoundTrip(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		agent := f.as(f.agent)
		r := f.reach(StateIdentityCheck)
		if err := f.svc.Start(f.ctx, agent, r.ID); err == nil {
			t.Fatal("left the identity check without confirming it")
		}
		if err := f.svc.ConfirmIdentity(f.ctx, agent, r.ID, "smile", ""); err != ErrMethodInvalid {
			t.Fatalf("bad method: %v", err)
		}
		f.clock.Add(time.Hour)
		if err := f.svc.ConfirmIdentity(f.ctx, agent, r.ID, IdentityDocument, "Passport shown on a video call."); err != nil {
			t.Fatal(err)
		}
		r = f.get(r.ID)
		if r.State != StateInProgress || r.Identity.Method != IdentityDocument || r.Identity.CheckedBy != "operator:"+f.agent.ID ||
			r.Identity.Note != "Passport shown on a video call." || r.Identity.CheckedAt == nil {
			t.Fatalf("%+v", r.Identity)
		}
		// The person's status page shows neither the check nor the note.
		es := f.events(r.ID)
		last := es[len(es)-2:]
		if last[0].Kind != EventIdentityChecked || last[0].Visibility != Internal || last[1].Visibility != Internal {
			t.Fatalf("%+v", last)
		}
	})
}
