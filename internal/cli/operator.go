package cli

import (
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/operator"
)

func newOperatorCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "operator",
		Short:   "Manage back-office operators",
		Example: "  garde operator create --email dpo@example.com --role owner\n  garde operator list\n  garde operator disable former.employee@example.com",
	}
	cmd.AddCommand(newOperatorCreateCmd(e), newOperatorListCmd(e), newOperatorDisableCmd(e))
	return cmd
}

func newOperatorCreateCmd(e *env) *cobra.Command {
	var email, name, role, locale string
	c := &cobra.Command{
		Use:   "create",
		Short: "Create an operator (password from a prompt or standard input)",
		Long: `Create a back-office operator. The password is asked at a prompt, or read
from the first line of standard input when it is not a terminal; it is never
taken as an argument. Roles: owner, admin, agent, viewer.`,
		Example: `  garde operator create --email dpo@example.com --name "Marie Tremblay" --role owner
  printf '%s\n' "$PASSWORD" | garde operator create --email agent@example.com --role agent`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if email == "" {
				return fmt.Errorf("--email is required")
			}
			a, err := e.openApp(cmd)
			if err != nil {
				return err
			}
			defer a.Close()
			pw, err := e.readPassword("Password for " + email)
			if err != nil {
				return err
			}
			op, err := a.Operators.Create(cmd.Context(), "cli", operator.NewOperator{
				Email: email, Name: name, Role: operator.Role(role), Password: pw, Locale: locale,
			})
			if err != nil {
				return localized(a.Catalog, err)
			}
			fmt.Fprintf(e.stdout, "Created operator %s (%s), id %s.\n", op.Email, op.Role, op.ID)
			return nil
		},
	}
	c.Flags().StringVar(&email, "email", "", "email address used to sign in (required)")
	c.Flags().StringVar(&name, "name", "", "display name")
	c.Flags().StringVar(&role, "role", "agent", "owner, admin, agent or viewer")
	c.Flags().StringVar(&locale, "locale", "", "preferred language: en, fr or nl")
	return c
}

func newOperatorListCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:     "list",
		Short:   "List operators",
		Example: "  garde operator list",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			a, err := e.openApp(cmd)
			if err != nil {
				return err
			}
			defer a.Close()
			ops, err := a.Operators.List(cmd.Context())
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(e.stdout, 2, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "EMAIL\tNAME\tROLE\tSTATUS\tLAST LOGIN")
			for _, o := range ops {
				status, last := "active", "-"
				if o.Disabled() {
					status = "disabled"
				}
				if o.LastLoginAt != nil {
					last = o.LastLoginAt.UTC().Format("2006-01-02 15:04 UTC")
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", o.Email, o.Name, o.Role, status, last)
			}
			return tw.Flush()
		},
	}
}

func newOperatorDisableCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "disable EMAIL",
		Short: "Disable an operator and end their sessions",
		Long: `Disable an operator: they can no longer sign in and their open sessions
end. The last active owner cannot be disabled.`,
		Example: "  garde operator disable former.employee@example.com",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := e.openApp(cmd)
			if err != nil {
				return err
			}
			defer a.Close()
			if err := a.Operators.Disable(cmd.Context(), "cli", args[0]); err != nil {
				return localized(a.Catalog, err)
			}
			fmt.Fprintf(e.stdout, "Disabled operator %s.\n", args[0])
			return nil
		},
	}
}

// localized renders Garde's localized errors in English for the terminal.
func localized(cat *i18n.Catalog, err error) error {
	if le, ok := err.(*i18n.Error); ok {
		return fmt.Errorf("%s", le.Localize(cat.For(i18n.EN)))
	}
	return err
}
