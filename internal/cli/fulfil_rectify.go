package cli

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/garde-privacy/garde/internal/fulfil/access"
	"github.com/garde-privacy/garde/internal/fulfil/rectify"
)

func newFulfilRectifyCmd(e *env) *cobra.Command {
	var in fulfilInputs
	var conns, sets []string
	var dryRun bool
	c := &cobra.Command{
		Use:   "rectify",
		Short: "Correct fields of a person's rows",
		Long: `Find the person's rows as garde fulfil access does and set the fields given
with --set collection.field=VALUE (or dataset.collection.field=VALUE) in every
row of that collection found for the person. Values are checked against the
field's data_type (integer, float, boolean, string and its length); primary
keys and read_only fields cannot be set. Each system's changes are one
transaction. The audit log records the rows and fields changed with the
values before and after masked. With --dry-run, nothing is written.`,
		Example: `  garde fulfil rectify --dataset shop.yaml --connect shop=sqlite:///var/lib/shop/shop.db \
      --identity email=ada@example.com --set customers.last_name=Lovelace --dry-run`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			p, err := in.plan()
			if err != nil {
				return err
			}
			var parsed []rectify.Set
			for _, s := range sets {
				st, err := rectify.ParseSet(p.Set, s)
				if err != nil {
					return err
				}
				parsed = append(parsed, st)
			}
			if len(parsed) == 0 {
				return fmt.Errorf("give at least one --set collection.field=VALUE")
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
				chs, err := rectify.Run(cmd.Context(), p, opened, parsed, true)
				if err != nil {
					return err
				}
				printRectify(e, chs)
				fmt.Fprintln(e.stdout, "Dry run: nothing changed.")
				return nil
			}
			a, err := e.openApp(cmd)
			if err != nil {
				return err
			}
			defer a.Close()
			chs, runErr := rectify.Run(cmd.Context(), p, opened, parsed, false)
			keys := make([]string, len(p.Identities))
			for i, id := range p.Identities {
				keys[i] = id.Key
			}
			for _, ch := range chs {
				if !ch.Done {
					continue
				}
				if _, err := a.Audit.RecordNow(cmd.Context(), "cli", "fulfil.rectified", ch.Dataset+"."+ch.Collection, map[string]any{
					"identity_keys": keys, "primary_key": ch.PrimaryKey, "rows": ch.Rows,
					"fields": ch.Fields, "before": ch.Before, "after": ch.After,
				}); err != nil {
					return err
				}
			}
			printRectify(e, chs)
			return runErr
		},
	}
	in.register(c)
	c.Flags().StringArrayVar(&conns, "connect", nil, "connection of a dataset, NAME=URL (repeatable)")
	c.Flags().StringArrayVar(&sets, "set", nil, "field and new value, collection.field=VALUE (repeatable)")
	c.Flags().BoolVar(&dryRun, "dry-run", false, "list what would change, change nothing")
	return c
}

func printRectify(e *env, chs []*rectify.Change) {
	tw := tabwriter.NewWriter(e.stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "COLLECTION\tROWS\tFIELDS\tSTATE")
	for _, ch := range chs {
		state := "not changed"
		if ch.Done {
			state = "changed"
		}
		fmt.Fprintf(tw, "%s.%s\t%d\t%s\t%s\n", ch.Dataset, ch.Collection, len(ch.Rows), strings.Join(ch.Fields, ", "), state)
	}
	tw.Flush()
}
