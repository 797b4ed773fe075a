package suppress

import (
	"fmt"
	"testing"

	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/requests"
	"github.com/garde-privacy/garde/internal/testutil/dbtest"
)

// BenchmarkCheck measures one consent-check lookup on the list against
// the rule it replaced (searching the person's requests by address), on
// the same SQLite database holding 1,000 verified objections:
//
//	go test -run '^$' -bench Check ./internal/fulfil/suppress
func BenchmarkCheck(b *testing.B) {
	d := dbtest.Open(b, db.SQLite)
	f := newFixture(b, d, true)
	for i := range 1000 {
		if _, err := f.rs.Submit(f.ctx, requests.SubmitInput{Email: fmt.Sprintf("p%d@example.fr", i), Name: "Jo", Subject: "Stop",
			Type: requests.TypeObjection, Description: "Please stop.", Region: "FR", Language: "fr"},
			requests.SubmitMeta{Source: requests.SourceAPI, Actor: requests.TokenActor("t1"), Verified: true}); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("list", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			if ok, err := f.list.Suppressed(f.ctx, fmt.Sprintf("p%d@example.fr", i%1000), "marketing"); err != nil || !ok {
				b.Fatal(ok, err)
			}
		}
	})
	b.Run("request_search", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			page, err := f.rs.List(f.ctx, requests.Filter{Search: fmt.Sprintf("p%d@example.fr", i%1000), Limit: requests.MaxPageSize})
			if err != nil || len(page.Requests) != 1 {
				b.Fatal(err)
			}
		}
	})
}
