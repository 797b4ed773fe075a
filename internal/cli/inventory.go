package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/garde-privacy/garde/internal/inventory"
)

func newInventoryCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "inventory",
		Short: "Import and export the data inventory",
		Long: `The data inventory (organisation, systems, processing activities) is kept
in the database as numbered revisions. import saves a YAML file as the next
revision, after checking it: unknown keys, unknown fideslang categories,
uses or subjects and references to unknown systems are refused with the
file name, line and reason, and nothing is saved. export writes the current
revision (or --revision N) back as YAML.`,
		Example: `  garde inventory import examples/inventory-montreal-shop.yaml
  garde inventory export --out inventory.yaml
  garde inventory export --revision 3`,
	}
	cmd.AddCommand(newInventoryImportCmd(e), newInventoryExportCmd(e))
	return cmd
}

func newInventoryImportCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:     "import FILE",
		Short:   "Save an inventory YAML file as the next revision",
		Example: "  garde inventory import shop.yaml\n  garde inventory import - < shop.yaml",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var data []byte
			var err error
			name := args[0]
			if name == "-" {
				data, err = io.ReadAll(io.LimitReader(e.stdin, inventory.MaxFileSize+1))
				name = "stdin"
			} else {
				data, err = os.ReadFile(name)
			}
			if err != nil {
				return err
			}
			a, err := e.openApp(cmd)
			if err != nil {
				return err
			}
			defer a.Close()
			rev, inv, err := a.Inventory.Import(cmd.Context(), "cli", name, data)
			if err != nil {
				var fe inventory.FileErrors
				if errors.As(err, &fe) {
					return &exitError{code: 1, msg: fe.Error()}
				}
				return localized(docsCatalog, err)
			}
			fmt.Fprintf(e.stdout, "Saved revision %d: %d systems, %d processing activities.\n", rev.Number, len(inv.Systems), len(inv.Activities))
			return nil
		},
	}
}

func newInventoryExportCmd(e *env) *cobra.Command {
	var out, revision string
	c := &cobra.Command{
		Use:     "export",
		Short:   "Write the inventory as YAML",
		Example: "  garde inventory export > inventory.yaml",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			a, err := e.openApp(cmd)
			if err != nil {
				return err
			}
			defer a.Close()
			var rev *inventory.Revision
			if revision != "" {
				n, perr := strconv.ParseInt(revision, 10, 64)
				if perr != nil || n < 1 {
					return fmt.Errorf("--revision must be a positive number")
				}
				_, rev, err = a.Inventory.Revision(cmd.Context(), n)
			} else {
				_, rev, err = a.Inventory.Current(cmd.Context())
			}
			if err != nil {
				return localized(docsCatalog, err)
			}
			if out == "" {
				_, err = e.stdout.Write(rev.Body)
				return err
			}
			return os.WriteFile(out, rev.Body, 0o644)
		},
	}
	c.Flags().StringVar(&out, "out", "", "write to this file instead of standard output")
	c.Flags().StringVar(&revision, "revision", "", "export this revision instead of the current one")
	return c
}
