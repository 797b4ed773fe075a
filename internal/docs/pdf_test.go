package docs

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/garde-privacy/garde/internal/i18n"
)

// TestPDFRendersWithChromium prints the French policy of the example and
// checks the file is a PDF that holds the document's words. Chromium is
// required here as in CI.
func TestPDFRendersWithChromium(t *testing.T) {
	r := NewRenderer(cat)
	page, err := r.HTMLPage(exampleInventory(t), Policy, i18n.FR, Options{})
	if err != nil {
		t.Fatal(err)
	}
	pdf, err := PDFFromHTML(context.Background(), page)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) || len(pdf) < 10000 {
		t.Fatalf("not a PDF (%d bytes)", len(pdf))
	}
	// pdftotext, when installed, proves the text made it into the file.
	if _, err := exec.LookPath("pdftotext"); err == nil {
		f := t.TempDir() + "/p.pdf"
		if err := os.WriteFile(f, pdf, 0o600); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command("pdftotext", f, "-").Output()
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(out), "Politique de confidentialité") || !strings.Contains(string(out), "Camille Tremblay") {
			t.Fatalf("text missing from the PDF:\n%s", out)
		}
	}
}

func TestPDFWithoutChromiumSaysSo(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	_, err := PDFFromHTML(context.Background(), "<p>x</p>")
	if err != ErrNoChromium {
		t.Fatalf("got %v, want ErrNoChromium", err)
	}
	if msg := cat.For(i18n.EN).T(ErrNoChromium.ID); !strings.Contains(msg, "Chromium") {
		t.Fatalf("message %q", msg)
	}
}
