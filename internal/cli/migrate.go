package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/garde-privacy/garde/internal/db"
)

func newMigrateCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "migrate",
		Short: "Apply pending database migrations",
		Long: `Apply Garde's pending database migrations and exit. "garde serve" does this on
start too; run it on its own before rolling out several instances on PostgreSQL.
Several instances migrating at once wait for each other.`,
		Example: `  garde migrate
  garde migrate --database postgres://garde@db.internal/garde`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := e.loadConfig(cmd)
			if err != nil {
				return err
			}
			d, err := db.Open(cmd.Context(), cfg.DatabaseURL, cfg.DataDir)
			if err != nil {
				return err
			}
			defer d.Close()
			n, err := d.Migrate(cmd.Context())
			if err != nil {
				return fmt.Errorf("cannot migrate the database at %s: %s", d.Location, firstLine(err.Error()))
			}
			if n == 0 {
				fmt.Fprintf(e.stdout, "Database %s is up to date.\n", d.Location)
			} else {
				fmt.Fprintf(e.stdout, "Applied %d migrations to %s.\n", n, d.Location)
			}
			return nil
		},
	}
}

func firstLine(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' {
			return s[:i]
		}
	}
	return s
}
