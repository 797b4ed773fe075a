package db

import "testing"

func TestRebindDollar(t *testing.T) {
	cases := map[string]string{
		"SELECT 1":                               "SELECT 1",
		"a = ? AND b = ?":                        "a = $1 AND b = $2",
		"x = '?' AND y = ?":                      "x = '?' AND y = $1",
		`"we?ird" = ? OR z = 'it''s ?' OR w = ?`: `"we?ird" = $1 OR z = 'it''s ?' OR w = $2`,
	}
	for in, want := range cases {
		if got := rebindDollar(in); got != want {
			t.Errorf("rebindDollar(%q) = %q, want %q", in, got, want)
		}
	}
}
