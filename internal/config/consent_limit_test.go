package config

import (
	"strings"
	"testing"
	"time"
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

// TestConsentRateWindow: ten minutes by default, set by the environment,
// and a window too short, too long or unreadable refused with its name.
func TestConsentRateWindow(t *testing.T) {
	c, err := Load(flags(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.ConsentRateWindow != 10*time.Minute || c.Value("consent_rate_window") != "10m0s" {
		t.Errorf("default consent_rate_window %s", c.ConsentRateWindow)
	}
	c, err = Load(flags(t), []string{"GARDE_CONSENT_RATE_WINDOW=1h"})
	if err != nil || c.ConsentRateWindow != time.Hour {
		t.Fatalf("consent_rate_window from the environment: %v %v", c, err)
	}
	for _, bad := range []string{"0s", "500ms", "25h", "ten minutes", "-1m"} {
		_, err := Load(flags(t), []string{"GARDE_CONSENT_RATE_WINDOW=" + bad})
		if err == nil || !strings.Contains(err.Error(), "consent_rate_window") {
			t.Errorf("%q: error %v, want one naming consent_rate_window", bad, err)
		}
	}
}
