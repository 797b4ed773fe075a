package docs

import (
	"testing"

	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/inventory"
)

// BenchmarkRenderPolicy renders the example's French policy to Markdown and
// HTML, the work of a preview or a publication (PDF excluded: Chromium).
func BenchmarkRenderPolicy(b *testing.B) {
	inv := exampleInventory(b)
	r := NewRenderer(cat)
	for b.Loop() {
		md, err := r.Markdown(inv, Policy, i18n.FR, Options{})
		if err != nil {
			b.Fatal(err)
		}
		_ = MarkdownToHTML(md)
	}
}

// BenchmarkParseInventory parses and validates the example inventory file.
func BenchmarkParseInventory(b *testing.B) {
	data := exampleBytesB(b)
	for b.Loop() {
		if _, err := inventory.Parse("shop.yaml", data); err != nil {
			b.Fatal(err)
		}
	}
}
