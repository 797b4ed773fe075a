package erase_test

import (
	"context"
	"maps"
	"slices"
	"testing"

	"github.com/garde-privacy/garde/internal/fulfil/connect"
	"github.com/garde-privacy/garde/internal/fulfil/dataset"
	"github.com/garde-privacy/garde/internal/fulfil/erase"
	"github.com/garde-privacy/garde/internal/fulfil/plan"
	"github.com/garde-privacy/garde/internal/fulfil/shoptest"
	"github.com/garde-privacy/garde/internal/testutil/dbtest"
)

// An erasure asked with the address in other capitals changes the same rows
// as one asked with the address as the shop stored it.
func TestErasureFindsTheEmailWhateverItsCase(t *testing.T) {
	for _, dialect := range dbtest.Dialects {
		t.Run(string(dialect), func(t *testing.T) {
			changed := func(email string) []string {
				ctx := context.Background()
				url := shoptest.Create(t, dialect)
				raw := shoptest.Open(t, url)
				conn, err := connect.Open(ctx, url, false)
				if err != nil {
					t.Fatal(err)
				}
				defer conn.Close()
				ds, err := dataset.Parse("shop.yaml", []byte(shoptest.Dataset))
				if err != nil {
					t.Fatal(err)
				}
				set, err := dataset.Check(ds)
				if err != nil {
					t.Fatal(err)
				}
				p, err := plan.Build(set, []plan.Identity{{Key: "email", Value: email}})
				if err != nil {
					t.Fatal(err)
				}
				before := snapshot(t, raw)
				if _, err := erase.Run(ctx, p, map[string]*connect.Conn{"shop": conn}, erase.Options{Key: key}); err != nil {
					t.Fatal(err)
				}
				after := snapshot(t, raw)
				var out []string
				for k := range maps.Keys(before) {
					if after[k] != before[k] {
						out = append(out, k)
					}
				}
				slices.Sort(out)
				return out
			}
			want := changed(shoptest.Alice)
			if len(want) < 5 {
				t.Fatalf("erasing %s changed only %v", shoptest.Alice, want)
			}
			if got := changed("ALICE@Example.COM"); !slices.Equal(got, want) {
				t.Errorf("erasing ALICE@Example.COM changed %v, want %v", got, want)
			}
		})
	}
}
