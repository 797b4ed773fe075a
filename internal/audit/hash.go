package audit

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"strconv"
	"time"
)

// hashVersion starts every hashed record, so a later change of the encoding
// can be told apart from tampering.
const hashVersion = "garde-audit-v1"

// hashEntry is SHA-256 over the entry's fields, each written as a netstring
// ("<length>:<bytes>,"): no choice of field values can make two different
// entries encode alike.
func hashEntry(seq int64, at time.Time, actor, action, target, details, prevHash string) string {
	h := sha256.New()
	for _, f := range []string{
		hashVersion,
		strconv.FormatInt(seq, 10),
		at.UTC().Format(time.RFC3339Nano),
		actor,
		action,
		target,
		details,
		prevHash,
	} {
		writeNetstring(h, f)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func writeNetstring(h hash.Hash, s string) {
	h.Write([]byte(strconv.Itoa(len(s))))
	h.Write([]byte{':'})
	h.Write([]byte(s))
	h.Write([]byte{','})
}

// canonicalDetails encodes details as JSON with sorted keys, no HTML
// escaping and numbers kept as written. Decoding and re-encoding its output
// gives the same text, so Verify can recompute it from the stored column
// even if a database rewrites the JSON's spacing.
func canonicalDetails(details map[string]any) (string, error) {
	if details == nil {
		return "{}", nil
	}
	first, err := encodeJSON(details)
	if err != nil {
		return "", err
	}
	// A second pass turns values that marshal themselves (times, structs)
	// into the plain maps, strings and numbers Verify will see.
	return recanonicalize(first)
}

// recanonicalize decodes stored details and encodes them canonically.
func recanonicalize(stored string) (string, error) {
	m, err := decodeDetails(stored)
	if err != nil {
		return "", err
	}
	return encodeJSON(m)
}

func decodeDetails(s string) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader([]byte(s)))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, fmt.Errorf("trailing data after details object")
	}
	if m == nil {
		m = map[string]any{}
	}
	return m, nil
}

func encodeJSON(v any) (string, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "", err
	}
	return string(bytes.TrimSuffix(b.Bytes(), []byte{'\n'})), nil
}
