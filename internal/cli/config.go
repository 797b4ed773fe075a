package cli

import (
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/garde-privacy/garde/internal/config"
	"github.com/garde-privacy/garde/internal/db"
)

func newConfigCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "config",
		Short:   "Inspect Garde's configuration",
		Example: "  garde config check",
	}
	var offline bool
	check := &cobra.Command{
		Use:   "check",
		Short: "Validate the configuration and show where each value comes from",
		Long: `Resolve the configuration from defaults, the YAML file (--config or
GARDE_CONFIG), GARDE_* variables and flags; report any unknown key or invalid
value with where it came from; print every setting with its source (secrets
hidden); then check that the database can be opened.`,
		Example: `  garde config check
  garde config check --config /etc/garde.yaml
  GARDE_SMTP_PORT=465 garde config check --offline`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := e.loadConfig(cmd)
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(e.stdout, 2, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "SETTING\tVALUE\tSOURCE")
			for _, o := range config.Options {
				v := cfg.Value(o.Key)
				if o.Secret && v != "" {
					v = "(set, hidden)"
				}
				if v == "" {
					v = "-"
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\n", o.Key, v, cfg.Sources[o.Key])
			}
			tw.Flush()
			if offline {
				fmt.Fprintln(e.stdout, "\nConfiguration is valid.")
				return nil
			}
			d, err := db.Open(cmd.Context(), cfg.DatabaseURL, cfg.DataDir)
			if err != nil {
				return err
			}
			defer d.Close()
			pending, err := d.Pending(cmd.Context())
			if err != nil {
				return fmt.Errorf("database %s: %s", d.Location, firstLine(err.Error()))
			}
			state := "migrated"
			if pending {
				state = "migrations pending (garde migrate or garde serve applies them)"
			}
			fmt.Fprintf(e.stdout, "\nConfiguration is valid. Database %s (%s): %s.\n", d.Location, d.Dialect, state)
			return nil
		},
	}
	check.Flags().BoolVar(&offline, "offline", false, "do not try to open the database")
	cmd.AddCommand(check)
	return cmd
}
