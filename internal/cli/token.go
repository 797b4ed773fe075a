package cli

import (
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/garde-privacy/garde/internal/operator"
)

func newTokenCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "token",
		Short:   "Manage API tokens",
		Example: "  garde token create --name \"CRM sync\" --scope audit:read\n  garde token list\n  garde token revoke ID",
	}
	cmd.AddCommand(newTokenCreateCmd(e), newTokenListCmd(e), newTokenRevokeCmd(e))
	return cmd
}

func scopeHelp() string {
	var b strings.Builder
	for _, s := range operator.Scopes {
		fmt.Fprintf(&b, "\n  %-16s %s", s.Name, s.Help)
	}
	return b.String()
}

func newTokenCreateCmd(e *env) *cobra.Command {
	var name, owner string
	var scopes []string
	var expires time.Duration
	c := &cobra.Command{
		Use:   "create",
		Short: "Create an API token (shown once)",
		Long: `Create a bearer token for /api/v1. The token is printed once; only its hash is
kept. Scopes:` + scopeHelp(),
		Example: `  garde token create --name "CRM sync" --scope audit:read --scope mail:read
  garde token create --name ops --scope admin --expires 720h --operator dpo@example.com`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if name == "" {
				return fmt.Errorf("--name is required")
			}
			if len(scopes) == 0 {
				return fmt.Errorf("at least one --scope is required; known scopes:%s", scopeHelp())
			}
			a, err := e.openApp(cmd)
			if err != nil {
				return err
			}
			defer a.Close()
			in := operator.NewToken{Name: name, Scopes: scopes, TTL: expires}
			if owner != "" {
				op, err := a.Operators.GetByEmail(cmd.Context(), owner)
				if err != nil {
					return fmt.Errorf("--operator: no operator %s", owner)
				}
				in.OperatorID = op.ID
			}
			raw, tok, err := a.Operators.CreateToken(cmd.Context(), "cli", in)
			if err != nil {
				return localized(a.Catalog, err)
			}
			fmt.Fprintf(e.stderr, "Created token %s (%s) with scopes %s. It is shown only now:\n", tok.ID, tok.Name, strings.Join(tok.Scopes, " "))
			fmt.Fprintln(e.stdout, raw)
			return nil
		},
	}
	c.Flags().StringVar(&name, "name", "", "what the token is for (required)")
	c.Flags().StringSliceVar(&scopes, "scope", nil, "scope granted (repeat or separate with commas)")
	c.Flags().DurationVar(&expires, "expires", 0, "lifetime, e.g. 720h (default: no expiry)")
	c.Flags().StringVar(&owner, "operator", "", "email of the operator the token acts for")
	return c
}

func newTokenListCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:     "list",
		Short:   "List API tokens",
		Example: "  garde token list",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			a, err := e.openApp(cmd)
			if err != nil {
				return err
			}
			defer a.Close()
			toks, err := a.Operators.ListTokens(cmd.Context())
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(e.stdout, 2, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tNAME\tSCOPES\tSTATUS\tLAST USED")
			for _, t := range toks {
				status, last := "active", "-"
				switch {
				case t.RevokedAt != nil:
					status = "revoked"
				case t.ExpiresAt != nil && t.ExpiresAt.Before(time.Now()):
					status = "expired"
				}
				if t.LastUsedAt != nil {
					last = t.LastUsedAt.UTC().Format("2006-01-02 15:04 UTC")
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", t.ID, t.Name, strings.Join(t.Scopes, " "), status, last)
			}
			return tw.Flush()
		},
	}
}

func newTokenRevokeCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:     "revoke ID",
		Short:   "Revoke an API token",
		Example: "  garde token revoke 0194f0c2-…",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := e.openApp(cmd)
			if err != nil {
				return err
			}
			defer a.Close()
			if err := a.Operators.RevokeToken(cmd.Context(), "cli", args[0]); err != nil {
				return localized(a.Catalog, err)
			}
			fmt.Fprintf(e.stdout, "Revoked token %s.\n", args[0])
			return nil
		},
	}
}
