package web

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// axePath is axe-core as npm installs it from tests/a11y (scripts/test.sh
// does), relative to this package.
var axePath = filepath.Join("..", "..", "tests", "a11y", "node_modules", "axe-core", "axe.min.js")

// axeRules are the WCAG 2.1 A and AA rules, and axe's best practices:
// among them are the rules on landmarks and heading order.
const axeRules = `['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']`

// axeSource reads axe-core. Without it the test skips, except in CI.
func axeSource(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(axePath)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("axe-core is required in CI (npm ci --prefix tests/a11y): %v", err)
		}
		t.Skipf("axe-core not installed (npm ci --prefix tests/a11y): %v", err)
	}
	return string(b)
}

// axeViolation is what axe reports of a rule the page breaks.
type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		// Target is a list of selectors, nested for shadow roots.
		Target []any `json:"target"`
	} `json:"nodes"`
}

func (v axeViolation) String() string {
	var targets []string
	for _, n := range v.Nodes {
		targets = append(targets, fmt.Sprint(n.Target...))
	}
	return fmt.Sprintf("%s (%s): %s — %s", v.ID, v.Impact, v.Help, strings.Join(targets, ", "))
}

// axeCheck runs axe on the page the browser shows and fails the test with
// each violation.
func axeCheck(t *testing.T, ctx context.Context, src, name string) {
	t.Helper()
	vs := axeRun(t, ctx, src, name)
	for _, v := range vs {
		t.Errorf("%s: %s", name, v)
	}
	if len(vs) > 0 {
		shot(t, ctx, "a11y-"+strings.ReplaceAll(name, " ", "-"))
	}
}

// axeRun runs axe on the page the browser shows and returns what it
// found. axe goes in through the DevTools protocol, which the pages'
// Content-Security-Policy (no inline or foreign script) does not govern:
// the pages are checked with their policy in force.
func axeRun(t *testing.T, ctx context.Context, src, name string) []axeViolation {
	t.Helper()
	run := `axe.run(document, {runOnly: {type: "tag", values: ` + axeRules + `}, resultTypes: ["violations"]})
		.then(r => JSON.stringify(r.violations))`
	// axe is loaded and run in one evaluation, so a document replaced in
	// between (a late load on a busy machine) cannot lose it; a second try
	// covers a document replaced during the run itself.
	var out string
	var err error
	for attempt := 0; attempt < 2; attempt++ {
		var loaded bool
		loaded, err = chromedp.Run(ctx, chromedp.Evaluate[bool](`typeof window.axe === "object"`))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		js := run
		if !loaded {
			js = src + "\n;" + run
		}
		out, err = chromedp.Run(ctx, chromedp.Evaluate[string](js, chromedp.EvalAwaitPromise))
		if err == nil {
			break
		}
	}
	if err != nil {
		t.Fatalf("%s: axe.run: %v", name, err)
	}
	var vs []axeViolation
	if err := json.Unmarshal([]byte(out), &vs); err != nil {
		t.Fatalf("%s: axe results: %v", name, err)
	}
	return vs
}
