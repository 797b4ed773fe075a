// Package browsertest finds the headless Chromium that page and banner
// tests drive. These tests prove behaviour in a real browser, so a missing
// Chromium fails them with the way to install it rather than skipping.
package browsertest

import (
	"testing"

	"github.com/garde-privacy/garde/internal/docs"
)

// Chromium returns the path of the browser the PDF printing also uses.
func Chromium(t testing.TB) string {
	t.Helper()
	path, err := docs.FindChromium()
	if err != nil {
		t.Fatal("Chromium is required for the browser tests: ./scripts/test.sh installs it (apt-get install chromium)")
	}
	return path
}
