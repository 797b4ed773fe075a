package cli

import (
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
)

func newConsentCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "consent",
		Short: "Manage the keys that sign consent receipts",
		Long: `Signed consent receipts (GET /api/v1/consent/events/{id}/receipt?format=jws)
carry the "kid" of the key that signed them; anyone checks them against the
key set published at /consent/v1/receipt-keys. Each key derives from the
instance secret and a generation number: the newest generation signs, and
every generation stays published so older receipts still check.`,
		Example: "  garde consent receipt-keys\n  garde consent rotate-receipt-key",
	}
	cmd.AddCommand(newConsentKeysCmd(e), newConsentRotateCmd(e))
	return cmd
}

func newConsentKeysCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:     "receipt-keys",
		Short:   "List the generations of the receipt signing key",
		Long:    `List each generation of the receipt signing key, newest first: its number, its "kid", when and by whom it was created, and which one signs.`,
		Example: "  garde consent receipt-keys",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			a, err := e.openApp(cmd)
			if err != nil {
				return err
			}
			defer a.Close()
			keys, err := a.Consent.ReceiptKeys(cmd.Context())
			if err != nil {
				return localized(a.Catalog, err)
			}
			tw := tabwriter.NewWriter(e.stdout, 2, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "GENERATION\tKID\tCREATED\tBY\tSIGNS")
			for _, k := range keys {
				signs := "no"
				if k.Signing {
					signs = "yes"
				}
				fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", k.Generation, k.KeyID, k.CreatedAt.Format(time.RFC3339), k.CreatedBy, signs)
			}
			return tw.Flush()
		},
	}
}

func newConsentRotateCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "rotate-receipt-key",
		Short: "Sign consent receipts with a new key from now on",
		Long: `Start a new generation of the receipt signing key. Every instance signs
with it from its next receipt; the keys before it stay in the published key
set, so receipts they signed still check. The rotation goes to the audit log.`,
		Example: "  garde consent rotate-receipt-key",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			a, err := e.openApp(cmd)
			if err != nil {
				return err
			}
			defer a.Close()
			k, err := a.Consent.RotateReceiptKey(cmd.Context(), "cli")
			if err != nil {
				return localized(a.Catalog, err)
			}
			fmt.Fprintf(e.stdout, "Receipts are now signed with key %s (generation %d).\n", k.KeyID, k.Generation)
			return nil
		},
	}
}
