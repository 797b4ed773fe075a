// Package cli is Garde's command line: the server and the administration
// commands, all sharing the same configuration flags and GARDE_* variables.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/garde-privacy/garde/internal/app"
	"github.com/garde-privacy/garde/internal/config"
)

// env is what a command runs with; tests give their own.
type env struct {
	environ []string
	stdin   io.Reader
	stdout  io.Writer
	stderr  io.Writer
}

// Execute runs the command line of the process.
func Execute() int {
	return Run(context.Background(), os.Args[1:], os.Environ(), os.Stdin, os.Stdout, os.Stderr)
}

// Run runs one command line and returns the exit code.
func Run(ctx context.Context, args, environ []string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := &env{environ: environ, stdin: stdin, stdout: stdout, stderr: stderr}
	root := newRoot(e)
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	if err := root.ExecuteContext(ctx); err != nil {
		var exit *exitError
		if errors.As(err, &exit) {
			if exit.msg != "" {
				fmt.Fprintln(stderr, exit.msg)
			}
			return exit.code
		}
		fmt.Fprintf(stderr, "garde: %s\n", err)
		return 1
	}
	return 0
}

// exitError ends a command with a given code after printing msg.
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }

func newRoot(e *env) *cobra.Command {
	root := &cobra.Command{
		Use:   "garde",
		Short: "Garde: self-hosted privacy operations",
		Long: `Garde answers data subject requests on time, keeps consent and breach
registers, and writes the privacy documents of a business, in French,
English and Dutch. One binary; embedded SQLite by default, PostgreSQL when
one machine is not enough.

Every flag can also be set with a GARDE_* environment variable or in a YAML
file given with --config; a flag wins over the environment, which wins over
the file.`,
		Example: `  garde serve
  garde serve --addr 0.0.0.0:8080 --base-url https://privacy.example.com
  GARDE_DATABASE_URL=postgres://garde@db/garde garde serve
  garde operator create --email dpo@example.com --role owner`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	config.RegisterFlags(root.PersistentFlags())
	root.AddCommand(
		newServeCmd(e), newMigrateCmd(e), newOperatorCmd(e), newTokenCmd(e),
		newAuditCmd(e), newConfigCmd(e), newRulesCmd(e), newVersionCmd(e),
	)
	root.AddCommand(newDatasetCmd(e), newFulfilCmd(e))
	root.AddCommand(newDocsCmd(e), newInventoryCmd(e))
	root.AddCommand(newBreachCmd(e), newConsentCmd(e))
	return root
}

// loadConfig resolves the configuration of a command.
func (e *env) loadConfig(cmd *cobra.Command) (*config.Config, error) {
	return config.Load(cmd.Flags(), e.environ)
}

// logger builds the structured logger the configuration asks for.
func (e *env) logger(cfg *config.Config) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(e.stderr, opts))
	}
	return slog.New(slog.NewTextHandler(e.stderr, opts))
}

// openApp opens the application for an administration command: migrated,
// able to enqueue jobs, not working them.
func (e *env) openApp(cmd *cobra.Command) (*app.App, error) {
	cfg, err := e.loadConfig(cmd)
	if err != nil {
		return nil, err
	}
	quiet := *cfg
	quiet.LogLevel = "warn"
	return app.Open(cmd.Context(), cfg, e.logger(&quiet), app.Options{})
}

func indent(s string) string {
	return "  " + strings.ReplaceAll(strings.TrimSpace(s), "\n", "\n  ")
}
