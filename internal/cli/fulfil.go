package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/garde-privacy/garde/internal/audit"
	"github.com/garde-privacy/garde/internal/fulfil/access"
	"github.com/garde-privacy/garde/internal/fulfil/connect"
	"github.com/garde-privacy/garde/internal/fulfil/dataset"
	"github.com/garde-privacy/garde/internal/fulfil/plan"
	"github.com/garde-privacy/garde/internal/i18n"
)

func newFulfilCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "fulfil",
		Short: "Find, export, erase and correct a person's data in the business's databases",
		Long: `Follow dataset files from a person's identities through the business's
databases: plan shows the order in which collections are read and what an
erasure would change; access exports every row found about the person;
erase changes or deletes them; rectify corrects given fields; recheck finds
people erased before who came back.

Identities are KEY=VALUE: email, phone_number (or phone), account_id, or any
identity a dataset field declares. Connections are NAME=URL, NAME being the
dataset's fides_key and URL sqlite:///absolute/path.db, postgres://... or
mysql://user:password@host:3306/db (MySQL or MariaDB).`,
		Example: `  garde fulfil plan --dataset shop.yaml --identity email=ada@example.com
  garde fulfil access --dataset shop.yaml --connect shop=sqlite:///var/lib/shop/shop.db \
      --identity email=ada@example.com --out ./exports --lang fr`,
	}
	cmd.AddCommand(newFulfilPlanCmd(e), newFulfilAccessCmd(e), newFulfilEraseCmd(e), newFulfilRectifyCmd(e), newFulfilRecheckCmd(e))
	return cmd
}

// fulfilInputs are the flags plan and access share.
type fulfilInputs struct {
	datasets   []string
	identities []string
}

func (in *fulfilInputs) register(c *cobra.Command) {
	c.Flags().StringArrayVar(&in.datasets, "dataset", nil, "dataset file (repeatable)")
	c.Flags().StringArrayVar(&in.identities, "identity", nil, "identity of the person, KEY=VALUE (repeatable)")
}

func (in *fulfilInputs) plan() (*plan.Plan, error) {
	if len(in.datasets) == 0 {
		return nil, fmt.Errorf("give at least one --dataset file")
	}
	set, err := dataset.ReadFiles(in.datasets...)
	if err != nil {
		return nil, datasetProblems(err)
	}
	var ids []plan.Identity
	for _, s := range in.identities {
		id, err := plan.ParseIdentity(s)
		if err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return plan.Build(set, ids)
}

func newFulfilPlanCmd(e *env) *cobra.Command {
	var in fulfilInputs
	c := &cobra.Command{
		Use:   "plan",
		Short: "Show the order in which a person's data is found",
		Long: `Show, for the identities given, the collections in the order they are read:
how each finds the person's rows (an identity, or values found in an
earlier collection), the fields read, and what an erasure would change
(keyed hash, NULL, fixed value, random value of the same format, or deleting
the row). Collections the identities do not lead to are listed at the end.
Nothing is read: no connection is needed.`,
		Example: "  garde fulfil plan --dataset shop.yaml --identity email=ada@example.com\n  garde fulfil plan --dataset shop.yaml --dataset crm.yaml --identity phone=+32470123456",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			p, err := in.plan()
			if err != nil {
				return err
			}
			p.Print(e.stdout)
			return nil
		},
	}
	in.register(c)
	return c
}

func newFulfilAccessCmd(e *env) *cobra.Command {
	var in fulfilInputs
	var conns []string
	var out, lang string
	var dryRun bool
	c := &cobra.Command{
		Use:   "access",
		Short: "Export every row found about a person",
		Long: `Read, in the order of the plan, every row of the person's data and write an
access package in --out: a zip holding data.json (every record, keyed
"dataset:collection"), one CSV file per collection and summary.html, a
readable summary in the person's language (--lang en, fr or nl). Rows are
streamed to the files: memory holds only the key values that later
collections are looked up by, never the rows.

Connections are opened read only. With --dry-run, the rows are counted and
nothing is written. The export is recorded in Garde's audit log (with the
identity keys and row counts, not the identity values), so the command needs
Garde's database (--database-url or GARDE_DATABASE_URL).`,
		Example: `  garde fulfil access --dataset shop.yaml --connect shop=sqlite:///var/lib/shop/shop.db \
      --identity email=ada@example.com --out ./exports
  garde fulfil access --dataset crm.yaml --connect "crm=postgres://reader@db/crm" \
      --identity email=ada@example.com --dry-run`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			l := i18n.Lang(lang)
			if !l.Valid() {
				return fmt.Errorf("--lang must be en, fr or nl")
			}
			if out == "" && !dryRun {
				return fmt.Errorf("--out is required (or --dry-run)")
			}
			if out != "" && !dryRun {
				if st, err := os.Stat(out); err != nil || !st.IsDir() {
					return fmt.Errorf("--out %s: not an existing directory", out)
				}
			}
			p, err := in.plan()
			if err != nil {
				return err
			}
			opened, err := openConnections(cmd.Context(), conns, true)
			if err != nil {
				return err
			}
			defer func() {
				for _, c := range opened {
					c.Close()
				}
			}()
			if err := access.CheckConnections(p, opened); err != nil {
				return err
			}
			if dryRun {
				res, err := access.Run(cmd.Context(), p, opened, access.Counter{})
				if err != nil {
					return err
				}
				printCounts(e, p, res, "Dry run: nothing written.")
				return nil
			}
			// The log must be reachable before any data is read: an export
			// that cannot be recorded does not happen.
			a, err := e.openApp(cmd)
			if err != nil {
				return err
			}
			defer a.Close()
			pkg, err := access.NewPackage(out)
			if err != nil {
				return err
			}
			res, err := access.Run(cmd.Context(), p, opened, pkg)
			if err != nil {
				pkg.Abort()
				return err
			}
			at := time.Now()
			var unreached []string
			for _, c := range p.Unreached {
				unreached = append(unreached, c.Key())
			}
			path, err := pkg.Finish(access.Summary{At: at, Lang: l, Catalog: a.Catalog, Identities: p.Identities, Unreached: unreached})
			if err != nil {
				return err
			}
			if err := recordAccess(cmd.Context(), a.Audit, p, res, path); err != nil {
				os.Remove(path)
				return err
			}
			printCounts(e, p, res, "Wrote "+path)
			return nil
		},
	}
	in.register(c)
	c.Flags().StringArrayVar(&conns, "connect", nil, "connection of a dataset, NAME=URL (repeatable)")
	c.Flags().StringVar(&out, "out", "", "existing directory where the zip is written")
	c.Flags().StringVar(&lang, "lang", "en", "language of the summary: en, fr or nl")
	c.Flags().BoolVar(&dryRun, "dry-run", false, "count the rows, write nothing")
	return c
}

// openConnections opens the NAME=URL connections; read-only ones cannot
// change anything whatever SQL reaches them.
func openConnections(ctx context.Context, specs []string, readOnly bool) (map[string]*connect.Conn, error) {
	out := map[string]*connect.Conn{}
	for _, s := range specs {
		name, dsn, err := splitConnect(s)
		if err != nil {
			return closeAll(out, err)
		}
		if out[name] != nil {
			return closeAll(out, fmt.Errorf("--connect %s is given twice", name))
		}
		c, err := connect.Open(ctx, dsn, readOnly)
		if err != nil {
			return closeAll(out, fmt.Errorf("%s: %w", name, err))
		}
		out[name] = c
	}
	return out, nil
}

func closeAll(m map[string]*connect.Conn, err error) (map[string]*connect.Conn, error) {
	for _, c := range m {
		c.Close()
	}
	return nil, err
}

func printCounts(e *env, p *plan.Plan, res *access.Result, last string) {
	tw := tabwriter.NewWriter(e.stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "COLLECTION\tROWS")
	for _, s := range p.Steps {
		fmt.Fprintf(tw, "%s\t%d\n", s.Collection.Key(), res.Rows[s.Collection.Key()])
	}
	for _, c := range p.Unreached {
		fmt.Fprintf(tw, "%s\tnot reached\n", c.Key())
	}
	tw.Flush()
	fmt.Fprintln(e.stdout, last)
}

// recordAccess appends the export to the audit log: which identity keys,
// how many rows from where, and the package written.
func recordAccess(ctx context.Context, log *audit.Log, p *plan.Plan, res *access.Result, path string) error {
	keys := make([]string, len(p.Identities))
	for i, id := range p.Identities {
		keys[i] = id.Key
	}
	sort.Strings(keys)
	rows := map[string]any{}
	for k, n := range res.Rows {
		rows[k] = n
	}
	var datasets []string
	for _, ds := range p.Set.Datasets {
		datasets = append(datasets, ds.FidesKey)
	}
	_, err := log.RecordNow(ctx, "cli", "fulfil.access", strings.Join(datasets, ","), map[string]any{
		"identity_keys": keys, "rows": rows, "package": filepath.Base(path),
	})
	return err
}
