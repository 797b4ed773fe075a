package config

import (
	"strings"
	"testing"
)

// TestConsentRateLimit: 30 choices per address by default, set by the
// environment, and a bad value refused with the option's name.
func TestConsentRateLimit(t *testing.T) {
	c, err := Load(flags(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.ConsentRateLimit != 30 || c.Value("consent_rate_limit") != "30" {
		t.Errorf("default consent_rate_limit %d", c.ConsentRateLimit)
	}
	c, err = Load(flags(t), []string{"GARDE_CONSENT_RATE_LIMIT=400"})
	if err != nil || c.ConsentRateLimit != 400 {
		t.Fatalf("consent_rate_limit from the environment: %v %v", c, err)
	}
	for _, bad := range []string{"0", "-3", "thirty", "1000001"} {
		_, err := Load(flags(t), []string{"GARDE_CONSENT_RATE_LIMIT=" + bad})
		if err == nil || !strings.Contains(err.Error(), "consent_rate_limit") {
			t.Errorf("%q: error %v, want one naming consent_rate_limit", bad, err)
		}
	}
}
