package config

import (
	"encoding/base64"
	"strings"
	"testing"
)

func TestSecretKeySetting(t *testing.T) {
	k1 := base64.StdEncoding.EncodeToString([]byte("0123456789abcdef0123456789abcdef"))
	k2 := base64.RawURLEncoding.EncodeToString([]byte("fedcba9876543210fedcba9876543210"))
	c, err := Load(flags(t), []string{"GARDE_SECRET_KEY=" + k1 + "," + k2})
	if err != nil {
		t.Fatal(err)
	}
	keys, err := ParseSecretKeys(c.SecretKey)
	if err != nil || len(keys) != 2 || string(keys[0]) != "0123456789abcdef0123456789abcdef" {
		t.Fatalf("keys = %q, %v", keys, err)
	}
	short := base64.StdEncoding.EncodeToString([]byte("too short"))
	for _, bad := range []string{short, k1 + ",", "%%%"} {
		_, err := Load(flags(t), []string{"GARDE_SECRET_KEY=" + bad})
		if err == nil {
			t.Fatalf("secret key %q accepted", bad)
		}
		msg := err.Error()
		if !strings.Contains(msg, "secret_key (from env GARDE_SECRET_KEY)") || strings.Contains(msg, bad) {
			t.Errorf("error %q must name the setting and not echo the key", msg)
		}
	}
}
