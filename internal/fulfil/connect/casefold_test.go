package connect

import "testing"

func TestIsLowerOf(t *testing.T) {
	for _, c := range []struct {
		def, col string
		want     bool
	}{
		{"lower(email)", "email", true},
		{"lower((email)::text)", "email", true},
		{`lower("E-mail")`, "E-mail", true},
		{"lower(email)", "email2", false},
		{"upper(email)", "email", false},
		{"lower(email || phone)", "email", false},
		{"email", "email", false},
	} {
		if got := isLowerOf(c.def, c.col); got != c.want {
			t.Errorf("isLowerOf(%q, %q) = %v", c.def, c.col, got)
		}
	}
}

func TestFirstIndexedIsLower(t *testing.T) {
	for _, c := range []struct {
		sql, col string
		want     bool
	}{
		{`CREATE INDEX a ON customers (lower(email))`, "email", true},
		{`CREATE INDEX a ON "customers"(LOWER("Email"), id)`, "email", true},
		{`CREATE INDEX a ON customers (id, lower(email))`, "email", false},
		{`CREATE INDEX a ON customers (lower(email2))`, "email", false},
		{`CREATE INDEX a ON customers (upper(email))`, "email", false},
	} {
		if got := firstIndexedIsLower(c.sql, c.col); got != c.want {
			t.Errorf("firstIndexedIsLower(%q, %q) = %v", c.sql, c.col, got)
		}
	}
}
