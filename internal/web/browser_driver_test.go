package web

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/chromedp"
)

// pageDriver is what a browser walk does on each page: read a text, expect
// one, click; it also collects the browser's console so the walk can fail
// on anything the Content-Security-Policy refused.
type pageDriver struct {
	t       *testing.T
	ctx     context.Context
	name    string
	mu      sync.Mutex
	console []string
}

func drive(t *testing.T, ctx context.Context, name string) *pageDriver {
	t.Helper()
	d := &pageDriver{t: t, ctx: ctx, name: name}
	if _, err := chromedp.Call(ctx, cdplog.Enable, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
	go func() {
		for ev, err := range chromedp.Events(ctx, cdplog.EntryAdded) {
			if err != nil {
				return
			}
			d.mu.Lock()
			d.console = append(d.console, ev.Entry.Text)
			d.mu.Unlock()
		}
	}()
	return d
}

// text is the element's text with its white space collapsed.
func (d *pageDriver) text(sel string) string {
	d.t.Helper()
	s, err := chromedp.Run(d.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		shot(d.t, d.ctx, d.name+"-missing")
		d.t.Fatalf("text of %s: %v", sel, err)
	}
	return strings.Join(strings.Fields(s), " ")
}

func (d *pageDriver) expect(sel, want string) {
	d.t.Helper()
	if got := d.text(sel); got != want {
		shot(d.t, d.ctx, d.name+"-unexpected")
		d.t.Fatalf("%s shows %q, want %q", sel, got, want)
	}
}

func (d *pageDriver) click(sel string) {
	d.t.Helper()
	if _, err := chromedp.RunResponse(d.ctx, chromedp.Click(chromedp.CSS(sel))); err != nil {
		d.t.Fatalf("click %s: %v", sel, err)
	}
}

// noRefusals fails the test for each console line saying the page's policy
// refused something.
func (d *pageDriver) noRefusals() {
	d.t.Helper()
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, l := range d.console {
		if strings.Contains(l, "Content Security Policy") || strings.Contains(l, "Refused to") {
			d.t.Errorf("browser reported: %s", l)
		}
	}
}
