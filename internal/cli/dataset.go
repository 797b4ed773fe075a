package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/garde-privacy/garde/internal/fulfil/connect"
	"github.com/garde-privacy/garde/internal/fulfil/dataset"
	"github.com/garde-privacy/garde/internal/fulfil/generate"
)

// The dataset commands work on files and the business's databases only:
// they need no Garde database.

func newDatasetCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "dataset",
		Short: "Check and generate dataset files (where personal data lives)",
		Long: `A dataset file describes one system's database in the Fides dataset format:
its tables (collections), their columns (fields) with fideslang data
categories, and in fides_meta which column holds an identity (email,
phone_number, ...), the primary keys, and the references that join tables.
Garde follows these to find, export and erase a person's data. Files written
for Fides are read as they are; nested fields (documents) are refused.`,
		Example: `  garde dataset validate shop.yaml crm.yaml
  garde dataset generate --connect sqlite:///var/lib/shop/shop.db --key shop --out shop.yaml
  garde dataset generate --connect postgres://reader@db.internal/crm --key crm`,
	}
	cmd.AddCommand(newDatasetValidateCmd(e), newDatasetGenerateCmd(e))
	return cmd
}

func newDatasetValidateCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "validate FILE...",
		Short: "Check dataset files",
		Long: `Check dataset files together (references may cross files): names must be
plain SQL identifiers, references must name existing collections and fields,
references and after constraints must not form a cycle, and an identity must
reach every collection. Each problem names the file, the line and the field.
Exits with status 1 when a problem is found.`,
		Example: "  garde dataset validate shop.yaml\n  garde dataset validate datasets/*.yaml",
		Args:    cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			set, err := dataset.ReadFiles(args...)
			if err != nil {
				return datasetProblems(err)
			}
			var cols, fields int
			for _, c := range set.Collections() {
				cols++
				fields += len(c.Fields)
			}
			fmt.Fprintf(e.stdout, "Valid: %d dataset(s), %d collection(s), %d field(s).\n", len(set.Datasets), cols, fields)
			return nil
		},
	}
}

// datasetProblems turns the problems of dataset files into exit status 1.
func datasetProblems(err error) error {
	var ps dataset.Problems
	if errors.As(err, &ps) {
		return &exitError{code: 1, msg: fmt.Sprintf("%s\n%d problem(s) found.", ps.Error(), len(ps))}
	}
	return err
}

func newDatasetGenerateCmd(e *env) *cobra.Command {
	var dsn, key, name, out string
	c := &cobra.Command{
		Use:   "generate",
		Short: "Write a dataset file from a database's tables",
		Long: `Read the tables of a database (columns, primary keys, foreign keys) and write
a dataset file describing them. Data categories are guessed from column
names in English, French and Dutch (email, courriel, e-mailadres, telephone,
téléphone, telefoon, adresse, adres, ...); email and phone columns become
identities; foreign keys become references. Review the file: columns
without a guess are listed on the standard error, and so is anything the
check of the written file reports.

The connection is read only. On PostgreSQL, the tables of the connection's
current schema are read.`,
		Example: `  garde dataset generate --connect sqlite:///var/lib/shop/shop.db --key shop --out shop.yaml
  garde dataset generate --connect "postgres://reader:secret@db.internal/crm?sslmode=require" --key crm`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if dsn == "" {
				return fmt.Errorf("--connect is required")
			}
			conn, err := connect.Open(cmd.Context(), dsn, true)
			if err != nil {
				return err
			}
			defer conn.Close()
			tables, err := conn.Introspect(cmd.Context())
			if err != nil {
				return fmt.Errorf("reading the structure of %s: %w", conn.Location, err)
			}
			if len(tables) == 0 {
				return fmt.Errorf("%s has no tables", conn.Location)
			}
			if name == "" {
				name = key
			}
			res, err := generate.Dataset(key, name, tables, dataset.IsDataCategory)
			if err != nil {
				return err
			}
			label := "generated dataset"
			if out != "" {
				label = filepath.Base(out)
				if err := writeNew(out, res.YAML); err != nil {
					return err
				}
			} else if _, err := e.stdout.Write(res.YAML); err != nil {
				return err
			}
			for _, n := range res.Notes {
				fmt.Fprintf(e.stderr, "review: %s\n", n)
			}
			ds, err := dataset.Parse(label, res.YAML)
			if err == nil {
				_, err = dataset.Check(ds)
			}
			var ps dataset.Problems
			if errors.As(err, &ps) {
				for _, p := range ps {
					fmt.Fprintf(e.stderr, "review: %s\n", p)
				}
			} else if err != nil {
				return err
			}
			if out != "" {
				fmt.Fprintf(e.stdout, "Wrote %s: %d table(s). Review it, then check it with garde dataset validate.\n", out, len(tables))
			}
			return nil
		},
	}
	c.Flags().StringVar(&dsn, "connect", "", "database URL: sqlite:///absolute/path.db, postgres://user:password@host/db or mysql://user:password@host/db")
	c.Flags().StringVar(&key, "key", "database", "fides_key of the dataset (the name --connect uses in garde fulfil)")
	c.Flags().StringVar(&name, "name", "", "readable name of the dataset (default: the key)")
	c.Flags().StringVar(&out, "out", "", "file to write (default: standard output); an existing file is not replaced")
	return c
}

// writeNew writes a file that must not exist yet.
func writeNew(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if err != nil {
		if errors.Is(err, os.ErrExist) {
			return fmt.Errorf("%s already exists; choose another --out or remove it", path)
		}
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// splitConnect reads NAME=URL.
func splitConnect(s string) (string, string, error) {
	name, dsn, ok := strings.Cut(s, "=")
	if !ok || name == "" || dsn == "" {
		return "", "", fmt.Errorf("--connect: write NAME=URL, where NAME is the dataset's fides_key")
	}
	return name, dsn, nil
}
