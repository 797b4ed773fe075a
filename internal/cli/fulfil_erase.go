package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/garde-privacy/garde/internal/audit"
	"github.com/garde-privacy/garde/internal/fulfil"
	"github.com/garde-privacy/garde/internal/fulfil/access"
	"github.com/garde-privacy/garde/internal/fulfil/dataset"
	"github.com/garde-privacy/garde/internal/fulfil/erase"
	"github.com/garde-privacy/garde/internal/fulfil/plan"
	"github.com/garde-privacy/garde/internal/secrets"
)

func newFulfilEraseCmd(e *env) *cobra.Command {
	var in fulfilInputs
	var conns []string
	var out string
	var dryRun bool
	c := &cobra.Command{
		Use:   "erase",
		Short: "Erase a person's data as the plan says",
		Long: `Find the person's rows as garde fulfil access does, then change them as the
plan shows (garde fulfil plan): each field by its strategy (keyed hash, NULL,
fixed value, random value of the same format) or whole rows deleted. Every
row is read before anything is written. Collections named in erase_after,
and rows that reference deleted rows, go first. Each system's changes are
one transaction: a system either changes completely or not at all.

The keyed hash uses a secret created on first use and kept, sealed with the
instance's secret key, in Garde's database. With --dry-run, nothing is
written and the rows that would change are listed. With --out, the exact
record of the rows (by primary key) and fields changed is written there as
JSON. Each system's erasure is recorded in Garde's audit log, with a
tombstone per identity (its keyed hash, never the value) that garde fulfil
recheck uses to find the person again after a backup is restored or a list
imported again. Running the same erasure again changes nothing more: the
person is no longer found.`,
		Example: `  garde fulfil erase --dataset shop.yaml --connect shop=sqlite:///var/lib/shop/shop.db \
      --identity email=ada@example.com --dry-run
  garde fulfil erase --dataset shop.yaml --connect "shop=postgres://app@db/shop" \
      --identity email=ada@example.com --out ./records`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if out != "" {
				if st, err := os.Stat(out); err != nil || !st.IsDir() {
					return fmt.Errorf("--out %s: not an existing directory", out)
				}
			}
			p, err := in.plan()
			if err != nil {
				return err
			}
			opened, err := openConnections(cmd.Context(), conns, dryRun)
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
				rec, err := erase.Run(cmd.Context(), p, opened, erase.Options{DryRun: true})
				if err != nil {
					return err
				}
				printErasure(e, rec)
				fmt.Fprintln(e.stdout, "Dry run: nothing changed.")
				return nil
			}
			a, err := e.openApp(cmd)
			if err != nil {
				return err
			}
			defer a.Close()
			box, err := secrets.Open(a.Config)
			if err != nil {
				return err
			}
			key, err := fulfil.ErasureKey(cmd.Context(), a.DB, box)
			if err != nil {
				return err
			}
			rec, runErr := erase.Run(cmd.Context(), p, opened, erase.Options{Key: key})
			if rec == nil {
				return runErr
			}
			ids := map[string]string{}
			for _, id := range p.Identities {
				ids[id.Key] = id.Value
			}
			for _, sys := range rec.Systems {
				if sys.Done {
					if err := fulfil.AddTombstones(cmd.Context(), a.DB, key, sys.Dataset, ids, time.Now()); err != nil {
						return err
					}
				}
			}
			if err := recordErasure(cmd, a.Audit, p.Identities, rec); err != nil {
				return err
			}
			printErasure(e, rec)
			if out != "" {
				path, err := writeRecord(out, rec)
				if err != nil {
					return err
				}
				fmt.Fprintf(e.stdout, "Record written to %s\n", path)
			}
			return runErr
		},
	}
	in.register(c)
	c.Flags().StringArrayVar(&conns, "connect", nil, "connection of a dataset, NAME=URL (repeatable)")
	c.Flags().StringVar(&out, "out", "", "existing directory where the record of the changes is written")
	c.Flags().BoolVar(&dryRun, "dry-run", false, "list what would change, change nothing")
	return c
}

func newFulfilRecheckCmd(e *env) *cobra.Command {
	var datasets, conns []string
	c := &cobra.Command{
		Use:   "recheck",
		Short: "Find people erased before who are back in a system",
		Long: `Read every identity field (email, phone_number...) of the datasets given and
compare the keyed hash of each value with the tombstones garde fulfil erase
left: a match is a person erased before whose data came back, from a backup
restored or a list imported again. Each match is listed with the date of the
erasure; erase them again with garde fulfil erase and the value shown.
Exits with status 2 when a match is found, 0 otherwise. Connections are read
only.`,
		Example: `  garde fulfil recheck --dataset shop.yaml --connect shop=sqlite:///var/lib/shop/shop.db`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if len(datasets) == 0 {
				return fmt.Errorf("give at least one --dataset file")
			}
			set, err := dataset.ReadFiles(datasets...)
			if err != nil {
				return datasetProblems(err)
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
			for name := range opened {
				if set.Dataset(name) == nil {
					return fmt.Errorf("--connect %s: no dataset has that fides_key", name)
				}
			}
			a, err := e.openApp(cmd)
			if err != nil {
				return err
			}
			defer a.Close()
			box, err := secrets.Open(a.Config)
			if err != nil {
				return err
			}
			key, err := fulfil.ErasureKey(cmd.Context(), a.DB, box)
			if err != nil {
				return err
			}
			tombs := map[string]map[string]fulfil.Tombstone{}
			for name := range opened {
				if tombs[name], err = fulfil.Tombstones(cmd.Context(), a.DB, name); err != nil {
					return err
				}
			}
			matches, err := erase.Recheck(cmd.Context(), set, opened, key, tombs)
			if err != nil {
				return err
			}
			if len(matches) == 0 {
				fmt.Fprintln(e.stdout, "No one erased before was found.")
				return nil
			}
			tw := tabwriter.NewWriter(e.stdout, 2, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "FIELD\tIDENTITY\tVALUE\tERASED")
			for _, m := range matches {
				fmt.Fprintf(tw, "%s.%s\t%s\t%s\t%s\n", m.Collection.Key(), m.Field.Name, m.IdentityKey, m.Value, m.ErasedAt.UTC().Format("2006-01-02"))
			}
			tw.Flush()
			return &exitError{code: 2, msg: fmt.Sprintf("%d value(s) of people erased before are back: erase them again", len(matches))}
		},
	}
	c.Flags().StringArrayVar(&datasets, "dataset", nil, "dataset file (repeatable)")
	c.Flags().StringArrayVar(&conns, "connect", nil, "connection of a dataset, NAME=URL (repeatable)")
	return c
}

func printErasure(e *env, rec *erase.Record) {
	tw := tabwriter.NewWriter(e.stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "COLLECTION\tACTION\tROWS\tFIELDS")
	for _, sys := range rec.Systems {
		for _, c := range sys.Collections {
			fmt.Fprintf(tw, "%s.%s\t%s\t%d\t%s\n", sys.Dataset, c.Name, c.Action, len(c.Rows), strings.Join(c.Fields, ", "))
		}
	}
	tw.Flush()
	for _, sys := range rec.Systems {
		switch {
		case sys.Done:
			fmt.Fprintf(e.stdout, "%s: done\n", sys.Dataset)
		case sys.Error != "":
			fmt.Fprintf(e.stdout, "%s: failed, nothing changed: %s\n", sys.Dataset, sys.Error)
		default:
			fmt.Fprintf(e.stdout, "%s: not started\n", sys.Dataset)
		}
	}
}

// recordErasure appends one audit entry per system attempted: what changed
// (collections, row counts, fields) or why it failed.
func recordErasure(cmd *cobra.Command, log *audit.Log, ids []plan.Identity, rec *erase.Record) error {
	keys := make([]string, len(ids))
	for i, id := range ids {
		keys[i] = id.Key
	}
	for _, sys := range rec.Systems {
		if !sys.Done && sys.Error == "" {
			continue
		}
		cols := map[string]any{}
		for _, c := range sys.Collections {
			cols[c.Name] = map[string]any{"action": c.Action, "rows": len(c.Rows), "fields": c.Fields}
		}
		action := "fulfil.erased"
		details := map[string]any{"identity_keys": keys, "collections": cols}
		if !sys.Done {
			action = "fulfil.erase_failed"
			details["error"] = sys.Error
		}
		if _, err := log.RecordNow(cmd.Context(), "cli", action, sys.Dataset, details); err != nil {
			return err
		}
	}
	return nil
}

func writeRecord(dir string, rec *erase.Record) (string, error) {
	b, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, "erasure-"+time.Now().UTC().Format("20060102T150405.000000000Z")+".json")
	return path, writeNew(path, append(b, '\n'))
}
