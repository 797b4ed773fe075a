package consent

import (
	"bytes"
	"encoding/json"
	"errors"
)

// decodePublicEvent reads a banner's post. The banner sends a flat object
// of plain ASCII strings, booleans and lists of strings; that shape is
// read directly, which costs a fraction of encoding/json's reflection on
// the ledger's busiest path. Anything else (escapes, non-ASCII, null,
// numbers, keys in another case, nesting) goes to encoding/json, which
// decides exactly as before: unknown fields and trailing data are refused.
func decodePublicEvent(body []byte, in *publicEvent) error {
	if fastDecodePublicEvent(body, in) {
		return nil
	}
	*in = publicEvent{}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(in); err != nil {
		return err
	}
	if dec.More() {
		return errTrailingData
	}
	return nil
}

var errTrailingData = errors.New("consent: data after the event")

// eventScanner walks a body for fastDecodePublicEvent; ok turns false at
// the first thing it does not read, and the caller falls back.
type eventScanner struct {
	b  []byte
	i  int
	ok bool
}

func (s *eventScanner) space() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// next skips spaces and consumes c.
func (s *eventScanner) next(c byte) bool {
	s.space()
	if s.ok && s.i < len(s.b) && s.b[s.i] == c {
		s.i++
		return true
	}
	return false
}

// str reads a string without escapes, of printable ASCII only.
func (s *eventScanner) str() string {
	if !s.next('"') {
		s.ok = false
		return ""
	}
	start := s.i
	for s.i < len(s.b) {
		c := s.b[s.i]
		switch {
		case c == '"':
			s.i++
			return string(s.b[start : s.i-1])
		case c < 0x20 || c >= 0x7f || c == '\\':
			s.ok = false
			return ""
		}
		s.i++
	}
	s.ok = false
	return ""
}

func (s *eventScanner) boolean() bool {
	s.space()
	switch {
	case bytes.HasPrefix(s.b[s.i:], []byte("true")):
		s.i += 4
		return true
	case bytes.HasPrefix(s.b[s.i:], []byte("false")):
		s.i += 5
		return false
	}
	s.ok = false
	return false
}

func (s *eventScanner) list() []string {
	if !s.next('[') {
		s.ok = false
		return nil
	}
	out := []string{}
	if s.next(']') {
		return out
	}
	for s.ok {
		out = append(out, s.str())
		if s.next(']') {
			return out
		}
		if !s.next(',') {
			s.ok = false
		}
	}
	return nil
}

func fastDecodePublicEvent(body []byte, in *publicEvent) bool {
	s := &eventScanner{b: body, ok: true}
	*in = publicEvent{}
	if !s.next('{') {
		return false
	}
	if s.next('}') {
		s.space()
		return s.i == len(s.b)
	}
	for s.ok {
		key := s.str()
		if !s.next(':') {
			return false
		}
		switch key {
		case "device_id":
			in.DeviceID = s.str()
		case "granted":
			in.Granted = s.list()
		case "refused":
			in.Refused = s.list()
		case "method":
			in.Method = s.str()
		case "source":
			in.Source = s.str()
		case "notice_version":
			in.NoticeVersion = s.str()
		case "language":
			in.Language = s.str()
		case "gpc":
			in.GPC = s.boolean()
		default:
			return false
		}
		if s.next('}') {
			s.space()
			return s.ok && s.i == len(s.b)
		}
		if !s.next(',') {
			return false
		}
	}
	return false
}
