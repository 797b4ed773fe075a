package config

import (
	"encoding/base64"
	"fmt"
	"strings"
)

// SecretKeySize is the length in bytes of a key in secret_key.
const SecretKeySize = 32

// ParseSecretKeys reads secret_key: base64 keys of 32 bytes separated by
// commas, the current key first. Empty text gives no keys. Standard and
// URL-safe base64 are accepted, with or without padding, since keys are
// pasted from various tools.
func ParseSecretKeys(s string) ([][]byte, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	var keys [][]byte
	for i, part := range strings.Split(s, ",") {
		k, err := decodeKey(strings.TrimSpace(part))
		if err != nil || len(k) != SecretKeySize {
			// The key itself is never echoed: it is secret.
			return nil, fmt.Errorf("key %d must be the base64 of %d random bytes, e.g. the output of: openssl rand -base64 32", i+1, SecretKeySize)
		}
		keys = append(keys, k)
	}
	return keys, nil
}

func checkSecretKeys(s string) error {
	_, err := ParseSecretKeys(s)
	return err
}

func decodeKey(s string) ([]byte, error) {
	var err error
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		var k []byte
		if k, err = enc.DecodeString(s); err == nil {
			return k, nil
		}
	}
	return nil, err
}
