package cli

import (
	"fmt"

	"github.com/spf13/cobra"
)

func newAuditCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "audit",
		Short:   "Work with the audit log",
		Example: "  garde audit verify",
	}
	cmd.AddCommand(&cobra.Command{
		Use:   "verify",
		Short: "Check that no audit entry was changed, removed or reordered",
		Long: `Walk the audit log from the first entry and recompute each entry's hash and
its link to the previous one. Reports the first entry that was changed,
removed or reordered and exits with status 2; exits 0 when the chain is intact.`,
		Example: `  garde audit verify
  garde audit verify --database postgres://garde@db.internal/garde`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			a, err := e.openApp(cmd)
			if err != nil {
				return err
			}
			defer a.Close()
			brk, checked, err := a.Audit.Verify(cmd.Context())
			if err != nil {
				return err
			}
			if brk != nil {
				return &exitError{code: 2, msg: fmt.Sprintf("audit log broken at entry %d: %s (%d entries checked before it)", brk.Seq, describeBreak(brk.Reason), checked)}
			}
			fmt.Fprintf(e.stdout, "Audit log intact: %d entries verified.\n", checked)
			return nil
		},
	})
	return cmd
}

func describeBreak(reason string) string {
	switch reason {
	case "changed":
		return "its content was changed after it was written"
	case "reordered_or_removed":
		return "an entry before it was removed or entries were reordered"
	}
	return reason
}
