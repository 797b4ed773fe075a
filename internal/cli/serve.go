package cli

import (
	"fmt"
	"net"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/garde-privacy/garde/internal/app"
	"github.com/garde-privacy/garde/internal/version"
)

func newServeCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "serve",
		Short: "Run the Garde server (migrates the database first)",
		Long: `Run the Garde server: the back office, the public privacy centre, the
JSON API under /api/v1 and the background jobs. The database is migrated on
start. When no operator exists yet, a one-time setup link for the owner
account is printed.`,
		Example: `  garde serve
  garde serve --addr 127.0.0.1:9000 --data /var/lib/garde
  garde serve --database postgres://garde:secret@db.internal/garde
  GARDE_SMTP_HOST=smtp.example.com GARDE_SMTP_USERNAME=garde garde serve`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := e.loadConfig(cmd)
			if err != nil {
				return err
			}
			log := e.logger(cfg)
			ctx, stop := signal.NotifyContext(cmd.Context(), syscall.SIGINT, syscall.SIGTERM)
			defer stop()
			a, err := app.Open(ctx, cfg, log, app.Options{Work: true})
			if err != nil {
				return err
			}
			defer a.Close()
			ln, err := net.Listen("tcp", cfg.Addr)
			if err != nil {
				return fmt.Errorf("cannot listen on %s (%s): %s", cfg.Addr, cfg.Sources["addr"], unwrapNet(err))
			}
			log.Info("garde started", "version", version.String(), "addr", ln.Addr().String(),
				"database", string(a.DB.Dialect), "location", a.DB.Location, "url", cfg.PublicURL())
			if link, err := a.SetupLink(ctx); err != nil {
				return err
			} else if link != "" {
				fmt.Fprintf(e.stdout, "\nNo operator exists yet. Open this one-time link to create the owner account\n(valid %d hours):\n\n  %s\n\n", int(app.SetupLinkTTL.Hours()), link)
			}
			if err := a.Serve(ctx, ln); err != nil && ctx.Err() == nil {
				return err
			}
			log.Info("garde stopped")
			return nil
		},
	}
}

func unwrapNet(err error) string {
	if op, ok := err.(*net.OpError); ok && op.Err != nil {
		return op.Err.Error()
	}
	return err.Error()
}
