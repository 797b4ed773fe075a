package config

import (
	"os"
	"strings"
	"testing"
)

// The README's configuration table is the users' reference: every option
// must be there with its flag and environment variable.
func TestREADMEListsEveryOption(t *testing.T) {
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(data)
	for _, o := range Options {
		row := "| `" + o.Key + "` | `--" + o.Flag() + "` | `" + o.Env() + "` |"
		if !strings.Contains(readme, row) {
			t.Errorf("README configuration table lacks the row starting %s", row)
		}
	}
}
