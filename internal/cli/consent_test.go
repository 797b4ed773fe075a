package cli

import (
	"regexp"
	"strings"
	"testing"

	"github.com/garde-privacy/garde/internal/testutil/dbtest"
)

// TestConsentReceiptKeyRotation: the key list starts with generation 1
// signing; a rotation prints the new kid, which the list then shows as the
// signing generation 2 above generation 1, and the audit log records it.
func TestConsentReceiptKeyRotation(t *testing.T) {
	for _, dialect := range dbtest.Dialects {
		t.Run(string(dialect), func(t *testing.T) {
			env := []string{"GARDE_DATABASE_URL=" + dbtest.URL(t, dialect), "GARDE_DATA=" + t.TempDir()}
			if r := run(t, env, "", "migrate"); r.code != 0 {
				t.Fatalf("migrate: %+v", r)
			}
			row := regexp.MustCompile(`(?m)^(\d+)\s+([0-9a-f]{16})\s+\S+\s+(\S+)\s+(yes|no)$`)
			r := run(t, env, "", "consent", "receipt-keys")
			rows := row.FindAllStringSubmatch(r.stdout, -1)
			if r.code != 0 || len(rows) != 1 || rows[0][1] != "1" || rows[0][4] != "yes" {
				t.Fatalf("receipt-keys: %+v", r)
			}
			first := rows[0][2]

			r = run(t, env, "", "consent", "rotate-receipt-key")
			m := regexp.MustCompile(`key ([0-9a-f]{16}) \(generation 2\)`).FindStringSubmatch(r.stdout)
			if r.code != 0 || m == nil || m[1] == first {
				t.Fatalf("rotate-receipt-key: %+v", r)
			}
			r = run(t, env, "", "consent", "receipt-keys")
			rows = row.FindAllStringSubmatch(r.stdout, -1)
			if r.code != 0 || len(rows) != 2 ||
				rows[0][1] != "2" || rows[0][2] != m[1] || rows[0][3] != "cli" || rows[0][4] != "yes" ||
				rows[1][1] != "1" || rows[1][2] != first || rows[1][4] != "no" {
				t.Fatalf("receipt-keys after the rotation: %+v", r)
			}
			if r := run(t, env, "", "audit", "verify"); r.code != 0 {
				t.Fatalf("audit verify: %+v", r)
			}
			raw, _ := rawDB(t, dialect, env[0][len("GARDE_DATABASE_URL="):])
			defer raw.Close()
			var target string
			if err := raw.QueryRow(`SELECT target FROM audit_log WHERE action = 'consent.receipt_key_rotated'`).Scan(&target); err != nil || !strings.HasSuffix(target, m[1]) {
				t.Fatalf("audit entry: %q %v", target, err)
			}
		})
	}
}
