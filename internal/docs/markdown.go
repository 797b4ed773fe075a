package docs

import (
	"html"
	"strings"
)

// The documents are written as Markdown by Garde's own templates, so only
// the constructs those templates use are converted: headings, paragraphs,
// bullet lists, tables, **bold**, [links](url) and backslash escapes. Every
// character of text is HTML-escaped; values from the inventory are
// Markdown-escaped when the view is built (mdEscape), so a business's text
// can neither inject HTML nor change the document's structure.

// mdEscape makes s literal text in Markdown, on one line.
func mdEscape(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	var b strings.Builder
	if strings.HasPrefix(s, "-") || strings.HasPrefix(s, "#") {
		// A leading dash or hash would start a list item or a heading.
		b.WriteByte('\\')
	}
	for _, r := range s {
		if strings.ContainsRune("\\`*_[]|<>", r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// MarkdownToHTML converts a document's Markdown to an HTML fragment.
func MarkdownToHTML(md string) string {
	var b strings.Builder
	lines := strings.Split(strings.ReplaceAll(md, "\r\n", "\n"), "\n")
	var para []string
	flush := func() {
		if len(para) > 0 {
			b.WriteString("<p>" + inline(strings.Join(para, " ")) + "</p>\n")
			para = nil
		}
	}
	for i := 0; i < len(lines); i++ {
		line := strings.TrimRight(lines[i], " ")
		switch {
		case line == "":
			flush()
		case strings.HasPrefix(line, "#"):
			flush()
			level := len(line) - len(strings.TrimLeft(line, "#"))
			if level > 6 || !strings.HasPrefix(line[level:], " ") {
				para = append(para, line)
				continue
			}
			tag := "h" + string(rune('0'+level))
			b.WriteString("<" + tag + ">" + inline(strings.TrimSpace(line[level:])) + "</" + tag + ">\n")
		case strings.HasPrefix(line, "- "):
			flush()
			b.WriteString("<ul>\n")
			for ; i < len(lines) && strings.HasPrefix(lines[i], "- "); i++ {
				b.WriteString("<li>" + inline(strings.TrimSpace(lines[i][2:])) + "</li>\n")
			}
			i--
			b.WriteString("</ul>\n")
		case strings.HasPrefix(line, "|"):
			flush()
			var rows [][]string
			for ; i < len(lines) && strings.HasPrefix(lines[i], "|"); i++ {
				rows = append(rows, tableCells(lines[i]))
			}
			i--
			writeTable(&b, rows)
		default:
			para = append(para, strings.TrimSpace(line))
		}
	}
	flush()
	return b.String()
}

// tableCells splits "| a | b \| c |" into cells, keeping escaped bars.
func tableCells(line string) []string {
	line = strings.TrimSpace(line)
	line = strings.TrimPrefix(line, "|")
	var cells []string
	var cur strings.Builder
	for i := 0; i < len(line); i++ {
		switch {
		case line[i] == '\\' && i+1 < len(line):
			cur.WriteByte(line[i])
			cur.WriteByte(line[i+1])
			i++
		case line[i] == '|':
			cells = append(cells, strings.TrimSpace(cur.String()))
			cur.Reset()
		default:
			cur.WriteByte(line[i])
		}
	}
	if rest := strings.TrimSpace(cur.String()); rest != "" {
		cells = append(cells, rest)
	}
	return cells
}

func isSeparator(cells []string) bool {
	for _, c := range cells {
		if strings.Trim(c, "-: ") != "" || c == "" {
			return false
		}
	}
	return len(cells) > 0
}

func writeTable(b *strings.Builder, rows [][]string) {
	b.WriteString("<table>\n")
	body := rows
	if len(rows) >= 2 && isSeparator(rows[1]) {
		b.WriteString("<thead><tr>")
		for _, c := range rows[0] {
			b.WriteString("<th scope=\"col\">" + inline(c) + "</th>")
		}
		b.WriteString("</tr></thead>\n")
		body = rows[2:]
	}
	b.WriteString("<tbody>\n")
	for _, r := range body {
		b.WriteString("<tr>")
		for _, c := range r {
			b.WriteString("<td>" + inline(c) + "</td>")
		}
		b.WriteString("</tr>\n")
	}
	b.WriteString("</tbody>\n</table>\n")
}

// inline converts **bold**, [text](url) and escapes in one line of text.
func inline(s string) string {
	var b strings.Builder
	bold := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s):
			b.WriteString(html.EscapeString(s[i+1 : i+2]))
			i++
		case c == '*' && i+1 < len(s) && s[i+1] == '*':
			if bold {
				b.WriteString("</strong>")
			} else {
				b.WriteString("<strong>")
			}
			bold = !bold
			i++
		case c == '[':
			text, url, n, ok := link(s[i:])
			if !ok {
				b.WriteString("[")
				continue
			}
			b.WriteString(`<a href="` + html.EscapeString(url) + `">` + inline(text) + "</a>")
			i += n - 1
		default:
			// Copy a whole UTF-8 sequence at once.
			j := i + 1
			for j < len(s) && s[j]&0xC0 == 0x80 {
				j++
			}
			b.WriteString(html.EscapeString(s[i:j]))
			i = j - 1
		}
	}
	if bold {
		b.WriteString("</strong>")
	}
	return b.String()
}

// link parses "[text](url)" at the start of s; only http(s), mailto and
// site-relative addresses are links, anything else stays text.
func link(s string) (text, url string, n int, ok bool) {
	depth := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '[':
			depth++
		case ']':
			depth--
			if depth == 0 {
				if i+1 >= len(s) || s[i+1] != '(' {
					return "", "", 0, false
				}
				end := strings.IndexByte(s[i+2:], ')')
				if end < 0 {
					return "", "", 0, false
				}
				url = s[i+2 : i+2+end]
				if !(strings.HasPrefix(url, "https://") || strings.HasPrefix(url, "http://") || strings.HasPrefix(url, "mailto:") || strings.HasPrefix(url, "/")) {
					return "", "", 0, false
				}
				return s[1:i], url, i + 3 + end, true
			}
		}
	}
	return "", "", 0, false
}
