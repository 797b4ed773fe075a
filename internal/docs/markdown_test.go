package docs

import "testing"

func TestMarkdownToHTML(t *testing.T) {
	md := "# Title & co\n\nSome **bold** text\nwith a [link](https://x.example/a?b=1&c=2).\n\n- one\n- two \\*not bold\\*\n\n| A | B |\n|---|---|\n| 1 | x \\| y |\n\n## Sub\n[bad](javascript:alert(1)) <script>\n"
	want := "<h1>Title &amp; co</h1>\n<p>Some <strong>bold</strong> text with a <a href=\"https://x.example/a?b=1&amp;c=2\">link</a>.</p>\n<ul>\n<li>one</li>\n<li>two *not bold*</li>\n</ul>\n<table>\n<thead><tr><th scope=\"col\">A</th><th scope=\"col\">B</th></tr></thead>\n<tbody>\n<tr><td>1</td><td>x | y</td></tr>\n</tbody>\n</table>\n<h2>Sub</h2>\n<p>[bad](javascript:alert(1)) &lt;script&gt;</p>\n"
	if got := MarkdownToHTML(md); got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
}

func TestEscapedValuesStayText(t *testing.T) {
	for _, v := range []string{"<b>x</b>", "**x**", "[a](https://evil.example)", "# heading", "a | b", "- item", "é à ü"} {
		got := MarkdownToHTML(mdEscape(v))
		want := "<p>" + htmlEscape(v) + "</p>\n"
		if got != want {
			t.Errorf("%q: got %q, want %q", v, got, want)
		}
	}
}

func htmlEscape(s string) string {
	r := ""
	for _, c := range s {
		switch c {
		case '<':
			r += "&lt;"
		case '>':
			r += "&gt;"
		case '&':
			r += "&amp;"
		case '"':
			r += "&#34;"
		case '\'':
			r += "&#39;"
		default:
			r += string(c)
		}
	}
	return r
}
