package webhooks

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
)

// Events of data subject requests.
const (
	EventRequestCreated      = "request.created"
	EventRequestStateChanged = "request.state_changed"
)

// RequestChange is the data of the request events. It identifies the
// request and says where it stands, without the person's details:
// receivers look those up through the API when they need them.
type RequestChange struct {
	ID        string `json:"id"`
	Reference string `json:"reference"`
	Type      string `json:"type"`
	// From is the previous state; empty for request.created.
	From string `json:"from,omitempty"`
	To   string `json:"to"`
	// DueDate is the date the answer is due (YYYY-MM-DD).
	DueDate string `json:"due_date"`
	Law     string `json:"law"`
}

// Event is a kind of event endpoints may subscribe to.
type Event struct {
	// Name is what receivers see in Garde-Event, e.g. "request.created".
	Name string
	// LabelID is the catalog ID of its description in the back office.
	LabelID string
}

var (
	registryMu sync.RWMutex
	registry   = map[string]Event{}
)

var eventName = regexp.MustCompile(`^[a-z][a-z_]*\.[a-z][a-z_]*$`)

func init() {
	RegisterEvent(EventRequestCreated, "webhooks.event.request_created")
	RegisterEvent(EventRequestStateChanged, "webhooks.event.request_state_changed")
}

// RegisterEvent adds an event endpoints may subscribe to; domains call it
// from an init function (e.g. "consent.opt_out"). A malformed or repeated
// name is a programming error and panics.
func RegisterEvent(name, labelID string) {
	if !eventName.MatchString(name) || labelID == "" {
		panic(fmt.Sprintf("webhooks: bad event %q (label %q)", name, labelID))
	}
	registryMu.Lock()
	defer registryMu.Unlock()
	if _, dup := registry[name]; dup {
		panic("webhooks: event registered twice: " + name)
	}
	registry[name] = Event{Name: name, LabelID: labelID}
}

// Events lists the registered events by name.
func Events() []Event {
	registryMu.RLock()
	defer registryMu.RUnlock()
	out := make([]Event, 0, len(registry))
	for _, e := range registry {
		out = append(out, e)
	}
	slices.SortFunc(out, func(a, b Event) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// Known reports whether an event is registered.
func Known(name string) bool {
	registryMu.RLock()
	defer registryMu.RUnlock()
	_, ok := registry[name]
	return ok
}
