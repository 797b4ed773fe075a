// Package httpconn is the HTTP connector: a system the business runs
// itself (its own application, an internal API) receives, for each
// request task, a signed JSON POST saying what to do for which person,
// and answers with the person's records or a status.
//
// # The call
//
//	POST <endpoint>
//	Content-Type:    application/json
//	Garde-Event:     fulfil.access | fulfil.erase | fulfil.rectify | fulfil.restrict | fulfil.object
//	Garde-Delivery:  <call id>
//	Garde-Timestamp: <Unix time of this attempt, in seconds>
//	Garde-Signature: v1=<hex HMAC-SHA256 of timestamp + "." + body>
//
//	{"id": "<call id>", "action": "access",
//	 "request": {"id": "…", "reference": "GR-7K3F-Q9", "type": "access", "language": "fr"},
//	 "identities": {"email": "alice@example.com"},
//	 "changes": [{"field": "customers.last_name", "value": "Durand"}],   (rectify only)
//	 "purposes": ["marketing", "newsletter"]}                           (restrict and object only)
//
// The call id is the same on every attempt for one task: use it to do the
// work once. The signature is the webhooks' scheme, keyed with the
// connector's own secret.
//
// # The answer
//
// Any 2xx status with a JSON body:
//
//	{"status": "done" | "not_found" | "accepted",
//	 "records": {"customers": [{"id": 2, "email": "alice@example.com"}]},   (access only)
//	 "message": "optional text for the privacy team"}
//
// An access answers "done" with its records (an empty object when none) or
// "not_found"; "accepted" (will be done later) is for the other actions
// only. Record values are text, numbers, booleans or null; an object or a
// list inside a record is kept as its JSON text.
//
// A 4xx status is a refusal a retry cannot change (the error is final); a
// 5xx status, no answer within the timeout, an answer too large or not in
// this form are tried again.
package httpconn

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
)

// Action is what the endpoint is asked to do.
type Action string

const (
	Access   Action = "access"
	Erase    Action = "erase"
	Rectify  Action = "rectify"
	Restrict Action = "restrict"
	Object   Action = "object"
)

// Valid reports whether a is a known action.
func (a Action) Valid() bool {
	switch a {
	case Access, Erase, Rectify, Restrict, Object:
		return true
	}
	return false
}

// Status is what the endpoint did.
type Status string

const (
	Done     Status = "done"
	NotFound Status = "not_found"
	Accepted Status = "accepted"
)

// RequestRef names the request a call is for.
type RequestRef struct {
	ID        string `json:"id"`
	Reference string `json:"reference"`
	Type      string `json:"type"`
	Language  string `json:"language,omitempty"`
}

// Change is one field to set for a rectification.
type Change struct {
	Field string `json:"field"`
	Value string `json:"value"`
}

// Call is the body Garde posts.
type Call struct {
	ID         string            `json:"id"`
	Action     Action            `json:"action"`
	Request    RequestRef        `json:"request"`
	Identities map[string]string `json:"identities"`
	Changes    []Change          `json:"changes,omitempty"`
	Purposes   []string          `json:"purposes,omitempty"`
}

// Value is one field of a record, in the order the endpoint wrote it.
type Value struct {
	Name  string
	Value any // string, json.Number, bool, nil
}

// Collection is the records of one place in the system.
type Collection struct {
	Name string
	Rows [][]Value
}

// Answer is what the endpoint said.
type Answer struct {
	Status  Status
	Message string
	// Records keep the endpoint's order of collections and fields.
	Records []Collection
}

// Rows counts the records of every collection.
func (a *Answer) Rows() int {
	n := 0
	for _, c := range a.Records {
		n += len(c.Rows)
	}
	return n
}

// nameRE is what a collection or field name may be: it becomes part of a
// file name in the access package.
var nameRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,62}$`)

// maxMessage bounds the message kept from an answer.
const maxMessage = 2000

// parseAnswer reads and checks an answer body for the action.
func parseAnswer(action Action, body []byte) (*Answer, error) {
	var raw struct {
		Status  Status          `json:"status"`
		Message string          `json:"message"`
		Records json.RawMessage `json:"records"`
	}
	if err := json.Unmarshal(body, &raw); err != nil {
		return nil, fmt.Errorf("the answer is not the expected JSON: %v", err)
	}
	a := &Answer{Status: raw.Status, Message: raw.Message}
	if r := []rune(a.Message); len(r) > maxMessage {
		a.Message = string(r[:maxMessage]) + "…"
	}
	switch raw.Status {
	case Done, NotFound:
	case Accepted:
		if action == Access {
			return nil, fmt.Errorf(`an access must be answered with its records ("done") or "not_found", not %q`, raw.Status)
		}
	default:
		return nil, fmt.Errorf(`the answer's status is %q; expected "done", "not_found" or "accepted"`, raw.Status)
	}
	if action != Access {
		return a, nil
	}
	if raw.Status == Done && len(bytes.TrimSpace(raw.Records)) == 0 {
		return nil, fmt.Errorf(`an access answered "done" needs "records" (an empty object when nothing was found)`)
	}
	if len(raw.Records) == 0 || bytes.Equal(bytes.TrimSpace(raw.Records), []byte("null")) {
		return a, nil
	}
	recs, err := parseRecords(raw.Records)
	if err != nil {
		return nil, err
	}
	a.Records = recs
	return a, nil
}

// parseRecords reads {"collection": [{"field": value, …}, …], …} keeping
// the order of collections and fields.
func parseRecords(b []byte) ([]Collection, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := expectDelim(dec, '{', "records"); err != nil {
		return nil, err
	}
	var out []Collection
	seen := map[string]bool{}
	for dec.More() {
		name, err := key(dec)
		if err != nil {
			return nil, err
		}
		if !nameRE.MatchString(name) {
			return nil, fmt.Errorf("records: %q is not a usable collection name (letters, digits and _, 63 at most)", name)
		}
		if seen[name] {
			return nil, fmt.Errorf("records: collection %q is given twice", name)
		}
		seen[name] = true
		c := Collection{Name: name, Rows: [][]Value{}}
		if err := expectDelim(dec, '[', "records."+name); err != nil {
			return nil, err
		}
		for dec.More() {
			row, err := parseRow(dec, name)
			if err != nil {
				return nil, err
			}
			c.Rows = append(c.Rows, row)
		}
		if _, err := dec.Token(); err != nil {
			return nil, fmt.Errorf("records.%s: %v", name, err)
		}
		out = append(out, c)
	}
	return out, nil
}

func parseRow(dec *json.Decoder, coll string) ([]Value, error) {
	if err := expectDelim(dec, '{', "a record of "+coll); err != nil {
		return nil, err
	}
	var row []Value
	seen := map[string]bool{}
	for dec.More() {
		name, err := key(dec)
		if err != nil {
			return nil, err
		}
		if !nameRE.MatchString(name) {
			return nil, fmt.Errorf("records.%s: %q is not a usable field name (letters, digits and _, 63 at most)", coll, name)
		}
		if seen[name] {
			return nil, fmt.Errorf("records.%s: field %q is given twice in a record", coll, name)
		}
		seen[name] = true
		var v any
		if err := dec.Decode(&v); err != nil {
			return nil, fmt.Errorf("records.%s.%s: %v", coll, name, err)
		}
		switch v.(type) {
		case map[string]any, []any:
			// Nested values are kept as their JSON text: a CSV cell holds
			// one value.
			b, err := json.Marshal(v)
			if err != nil {
				return nil, err
			}
			v = string(b)
		}
		row = append(row, Value{Name: name, Value: v})
	}
	if _, err := dec.Token(); err != nil {
		return nil, err
	}
	return row, nil
}

func expectDelim(dec *json.Decoder, d json.Delim, what string) error {
	t, err := dec.Token()
	if err != nil {
		return fmt.Errorf("%s: %v", what, err)
	}
	if got, ok := t.(json.Delim); !ok || got != d {
		kind := "an object"
		if d == '[' {
			kind = "a list"
		}
		return fmt.Errorf("%s must be %s", what, kind)
	}
	return nil
}

func key(dec *json.Decoder) (string, error) {
	t, err := dec.Token()
	if err != nil {
		return "", err
	}
	s, ok := t.(string)
	if !ok {
		return "", fmt.Errorf("unexpected %v", t)
	}
	return s, nil
}
