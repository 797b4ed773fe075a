// Package erase changes a person's rows as the plan says: each field by its
// strategy (NULL, fixed value, keyed hash, random value of the same format)
// or whole rows deleted, in an order that respects erase_after and foreign
// keys, in one transaction per system.
package erase

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/garde-privacy/garde/internal/fulfil/plan"
)

// erasedDomain keeps an erased email address an address, so columns
// checked for "@" still accept it; .invalid is reserved and never routes.
const erasedDomain = "@erased.invalid"

// mask returns the value that replaces v.
func mask(key []byte, ch plan.Change, v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	switch ch.Strategy {
	case plan.Null:
		return nil, nil
	case plan.Fixed:
		return ch.Value, nil
	case plan.KeyedHash:
		m := hmac.New(sha256.New, key)
		m.Write([]byte(text(v)))
		h := hex.EncodeToString(m.Sum(nil))[:32]
		if strings.Contains(text(v), "@") {
			return h + erasedDomain, nil
		}
		return h, nil
	case plan.RandomFormat:
		return randomLike(text(v))
	}
	return nil, fmt.Errorf("unknown strategy %q", ch.Strategy)
}

func text(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case []byte:
		return string(x)
	case time.Time:
		return x.UTC().Format(time.RFC3339Nano)
	}
	return fmt.Sprint(v)
}

// randomLike replaces every letter and digit with a random one of the same
// kind, keeping spaces, signs and punctuation: "+32 470 12" → "+81 903 57".
func randomLike(s string) (string, error) {
	var b strings.Builder
	for _, r := range s {
		var set string
		switch {
		case r >= '0' && r <= '9':
			set = "0123456789"
		case r >= 'a' && r <= 'z':
			set = "abcdefghijklmnopqrstuvwxyz"
		case r >= 'A' && r <= 'Z':
			set = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
		case r > 127:
			set = "abcdefghijklmnopqrstuvwxyz"
		default:
			b.WriteRune(r)
			continue
		}
		n, err := rand.Int(rand.Reader, big.NewInt(int64(len(set))))
		if err != nil {
			return "", err
		}
		b.WriteByte(set[n.Int64()])
	}
	return b.String(), nil
}
