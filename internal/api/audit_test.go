package api

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
)

type auditPage struct {
	Entries []struct {
		Seq    int64  `json:"seq"`
		At     string `json:"at"`
		Actor  string `json:"actor"`
		Action string `json:"action"`
	} `json:"entries"`
	NextBefore *int64 `json:"next_before"`
}

func (f *fixture) auditPage(t *testing.T, query string) auditPage {
	t.Helper()
	w := f.do(t, request{path: "/api/v1/audit?" + query, token: "audit"})
	if w.Code != 200 {
		t.Fatalf("%s: %d %s", query, w.Code, w.Body)
	}
	var p auditPage
	if err := json.Unmarshal(w.Body.Bytes(), &p); err != nil {
		t.Fatal(err)
	}
	return p
}

// Following next_before visits every matching entry once, newest first,
// and the last page says so, whatever the page size.
func TestAuditPaging(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	var want []int64
	for i := range 5 {
		e, err := f.audit.RecordNow(ctx, "system", "test.paged", fmt.Sprint(i), nil)
		if err != nil {
			t.Fatal(err)
		}
		want = append([]int64{e.Seq}, want...)
	}
	for limit := 1; limit <= 6; limit++ {
		var got []int64
		q := fmt.Sprintf("action=test.paged&limit=%d", limit)
		for pages := 0; ; pages++ {
			if pages > 6 {
				t.Fatalf("limit %d: paging does not end", limit)
			}
			p := f.auditPage(t, q)
			for _, e := range p.Entries {
				if e.Action != "test.paged" || e.At[len(e.At)-1] != 'Z' {
					t.Fatalf("limit %d: entry %+v", limit, e)
				}
				got = append(got, e.Seq)
			}
			if p.NextBefore == nil {
				break
			}
			if len(p.Entries) != limit || *p.NextBefore != p.Entries[len(p.Entries)-1].Seq {
				t.Fatalf("limit %d: next_before %d after %d entries", limit, *p.NextBefore, len(p.Entries))
			}
			q = fmt.Sprintf("action=test.paged&limit=%d&before=%d", limit, *p.NextBefore)
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("limit %d: got %v, want %v", limit, got, want)
		}
	}
}

func TestAuditVerify(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	verify := func() (out struct {
		OK      bool  `json:"ok"`
		Checked int64 `json:"checked"`
		Break   *struct {
			Seq    int64  `json:"seq"`
			Reason string `json:"reason"`
		} `json:"break"`
	}) {
		w := f.do(t, request{path: "/api/v1/audit/verify", token: "audit"})
		if w.Code != 200 {
			t.Fatalf("%d %s", w.Code, w.Body)
		}
		if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil {
			t.Fatal(err)
		}
		return out
	}
	v := verify()
	if !v.OK || v.Break != nil || v.Checked < 5 {
		t.Fatalf("fresh log: %+v", v)
	}

	// The run is recorded under the token that asked for it.
	p := f.auditPage(t, "action=audit.verified")
	if len(p.Entries) != 1 || p.Entries[0].Actor != "token:"+f.tokenID["audit"] {
		t.Fatalf("audit.verified entries: %+v", p.Entries)
	}
	if p := f.auditPage(t, "actor=token:"+f.tokenID["audit"]); len(p.Entries) != 1 {
		t.Fatalf("filter by actor: %+v", p.Entries)
	}

	if _, err := f.db.Exec(ctx, "UPDATE audit_log SET target = 'someone else' WHERE seq = 2"); err != nil {
		t.Fatal(err)
	}
	v = verify()
	if v.OK || v.Break == nil || v.Break.Seq != 2 || v.Break.Reason != "changed" || v.Checked != 2 {
		t.Fatalf("after changing entry 2: %+v", v)
	}
}
