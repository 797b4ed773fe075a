package requests

import (
	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/operator"
)

// State is where a request stands.
type State string

const (
	// StateReceived: submitted, the email address not yet confirmed.
	StateReceived State = "received"
	// StateVerified: the person confirmed the address; deadlines run.
	StateVerified State = "verified"
	// StateInProgress: an agent is working on it.
	StateInProgress State = "in_progress"
	// StateIdentityCheck: something does not match; an agent confirms who
	// the person is before going on.
	StateIdentityCheck State = "identity_check"
	// StateCompleted: answered (fulfilled, partly, or no data held).
	StateCompleted State = "completed"
	// StateClosed: ended without an answer (withdrawn, duplicate…).
	StateClosed State = "closed"
	// StateRejected: refused, with reasons and the right to complain.
	StateRejected State = "rejected"
	// StateExpired: never verified within the verification period.
	StateExpired State = "expired"
)

// States lists every state in workflow order.
var States = []State{
	StateReceived, StateVerified, StateInProgress, StateIdentityCheck,
	StateCompleted, StateClosed, StateRejected, StateExpired,
}

// OpenStates are the states of requests still awaiting an answer.
var OpenStates = []State{StateReceived, StateVerified, StateInProgress, StateIdentityCheck}

// Valid reports whether s is a known state.
func (s State) Valid() bool {
	for _, k := range States {
		if k == s {
			return true
		}
	}
	return false
}

// Terminal reports whether nothing more happens to a request in state s.
func (s State) Terminal() bool {
	return s == StateCompleted || s == StateClosed || s == StateRejected || s == StateExpired
}

// LabelID is the catalog ID of the state's name.
func (s State) LabelID() string { return "requests.state." + string(s) }

// Who is a set of parties allowed to make a transition.
type Who uint8

const (
	// BySystem is Garde itself (jobs).
	BySystem Who = 1 << iota
	// BySubject is the person the request is about, through their links.
	BySubject
	// ByAgent is an operator with at least the agent role, or an API token
	// carrying requests:write.
	ByAgent
)

// Transition is one allowed move of the state machine.
type Transition struct {
	From, To State
	By       Who
}

// Transitions is the whole state machine: a move not listed is refused.
var Transitions = []Transition{
	{StateReceived, StateVerified, BySubject | ByAgent},
	{StateReceived, StateExpired, BySystem},
	{StateReceived, StateRejected, ByAgent},
	{StateReceived, StateClosed, ByAgent},

	{StateVerified, StateInProgress, ByAgent},
	{StateVerified, StateIdentityCheck, ByAgent},
	{StateVerified, StateCompleted, ByAgent},
	{StateVerified, StateRejected, ByAgent},
	{StateVerified, StateClosed, BySubject | ByAgent},

	{StateInProgress, StateIdentityCheck, ByAgent},
	{StateInProgress, StateCompleted, ByAgent},
	{StateInProgress, StateRejected, ByAgent},
	{StateInProgress, StateClosed, BySubject | ByAgent},

	// Leaving an identity check forward needs the identity confirmed
	// (ConfirmIdentity); it cannot jump straight to completed.
	{StateIdentityCheck, StateInProgress, ByAgent},
	{StateIdentityCheck, StateRejected, ByAgent},
	{StateIdentityCheck, StateClosed, BySubject | ByAgent},
}

// Allowed reports whether who may move a request from one state to another.
func Allowed(from, to State, who Who) bool {
	for _, t := range Transitions {
		if t.From == from && t.To == to && t.By&who != 0 {
			return true
		}
	}
	return false
}

// Next lists the states who may move a request in state from to, in the
// order of States (pages show them as buttons).
func Next(from State, who Who) []State {
	var out []State
	for _, s := range States {
		if Allowed(from, s, who) {
			out = append(out, s)
		}
	}
	return out
}

// errTransition is the error for a move the machine refuses.
func errTransition(from, to State) *i18n.Error {
	return i18n.NewError("requests.error.transition_not_allowed", map[string]any{"From": string(from), "To": string(to)})
}

// ActorKind says who acts.
type ActorKind string

const (
	ActorSystem   ActorKind = "system"
	ActorSubject  ActorKind = "subject"
	ActorOperator ActorKind = "operator"
	ActorToken    ActorKind = "token"
)

// Actor is who does something to a request.
type Actor struct {
	Kind ActorKind
	// ID is the operator or token ID, or the subject's pseudonymous hash.
	ID string
	// Role is the operator's role (operators only).
	Role operator.Role
}

// SystemActor is Garde itself.
var SystemActor = Actor{Kind: ActorSystem}

// OperatorActor is a signed-in operator of the back office.
func OperatorActor(o *operator.Operator) Actor {
	return Actor{Kind: ActorOperator, ID: o.ID, Role: o.Role}
}

// TokenActor is an API token; the API checks its scope before calling the
// service, so the service treats it as an agent.
func TokenActor(tokenID string) Actor { return Actor{Kind: ActorToken, ID: tokenID} }

// String is the audit actor: system, operator:<id>, token:<id> or
// subject:<hash>.
func (a Actor) String() string {
	if a.Kind == ActorSystem {
		return "system"
	}
	return string(a.Kind) + ":" + a.ID
}

// who is the party the actor belongs to, for the state machine.
func (a Actor) who() Who {
	switch a.Kind {
	case ActorSystem:
		return BySystem
	case ActorSubject:
		return BySubject
	case ActorToken:
		if a.ID != "" {
			return ByAgent
		}
	case ActorOperator:
		if a.ID != "" && a.Role.AtLeast(operator.Agent) {
			return ByAgent
		}
	}
	return 0
}

// Who is the party the actor belongs to for the state machine (pages use
// it with Next to show the allowed moves).
func (a Actor) Who() Who { return a.who() }

// isAgent reports whether the actor may do an agent's work.
func (a Actor) isAgent() bool { return a.who() == ByAgent }
