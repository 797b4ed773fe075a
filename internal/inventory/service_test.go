package inventory

import (
	"context"
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/garde-privacy/garde/internal/audit"
	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/testutil/dbtest"
)

func TestMain(m *testing.M) { os.Exit(dbtest.Main(m)) }

func TestServiceImportExport(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		log := audit.New(d)
		s := NewService(d, log)
		if _, _, err := s.Current(ctx); !errors.Is(err, ErrNoInventory) {
			t.Fatalf("empty Garde: %v", err)
		}
		rev, inv, err := s.Import(ctx, "op-1", "shop.yaml", readExample(t))
		if err != nil {
			t.Fatal(err)
		}
		if rev.Number != 1 || inv.Organisation.LegalName != "Boutique Pixel inc." {
			t.Fatalf("revision %d", rev.Number)
		}
		// A refused file changes nothing: no revision, no audit entry.
		bad := strings.Replace(string(readExample(t)), "user.payment", "user.card", 1)
		if _, _, err := s.Import(ctx, "op-1", "bad.yaml", []byte(bad)); err == nil || !strings.Contains(err.Error(), "bad.yaml:") {
			t.Fatalf("bad file: %v", err)
		}
		if _, _, err := s.Import(ctx, "op-1", "empty.yaml", []byte("  \n")); !errors.Is(err, ErrEmptyFile) {
			t.Fatalf("empty file: %v", err)
		}
		changed := strings.Replace(string(readExample(t)), "Camille Tremblay", "Alex Gagnon", 1)
		rev2, _, err := s.Import(ctx, "op-2", "shop2.yaml", []byte(changed))
		if err != nil || rev2.Number != 2 {
			t.Fatalf("second import: %v %v", rev2, err)
		}
		cur, curRev, err := s.Current(ctx)
		if err != nil || curRev.Number != 2 || cur.Organisation.PrivacyOfficer.Name != "Alex Gagnon" {
			t.Fatalf("current: %+v %v", curRev, err)
		}
		old, _, err := s.Revision(ctx, 1)
		if err != nil || old.Organisation.PrivacyOfficer.Name != "Camille Tremblay" {
			t.Fatalf("revision 1 kept: %v", err)
		}
		if _, _, err := s.Revision(ctx, 9); !errors.Is(err, ErrRevisionNotFound) {
			t.Fatalf("missing revision: %v", err)
		}
		list, err := s.Revisions(ctx, 10)
		if err != nil || len(list) != 2 || list[0].Number != 2 || list[0].Source != "import:shop2.yaml" || list[1].CreatedBy != "op-1" {
			t.Fatalf("list: %+v %v", list, err)
		}
		entries, err := log.List(ctx, audit.ListFilter{})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, e := range entries {
			if e.Action == "inventory.save" {
				n++
			}
		}
		if n != 2 {
			t.Fatalf("%d inventory.save audit entries, want 2", n)
		}
	})
}

// TestCurrentReturnsCopies proves the decoded-revision cache hands out
// independent copies equal to a fresh parse.
func TestCurrentReturnsCopies(t *testing.T) {
	d := dbtest.Open(t, db.SQLite)
	ctx := context.Background()
	s := NewService(d, audit.New(d))
	if _, _, err := s.Import(ctx, "op", "shop.yaml", readExample(t)); err != nil {
		t.Fatal(err)
	}
	a, _, err := s.Current(ctx)
	if err != nil {
		t.Fatal(err)
	}
	a.Organisation.LegalName = "changed"
	a.Activities[0].Name["fr"] = "changed"
	b, _, err := s.Current(ctx)
	if err != nil {
		t.Fatal(err)
	}
	fresh, _ := Parse("x.yaml", readExample(t))
	if !reflect.DeepEqual(b, fresh) {
		t.Fatalf("cached copy differs from a fresh parse:\n%+v\n%+v", b, fresh)
	}
}

func BenchmarkCurrent(b *testing.B) {
	d := dbtest.Open(b, db.SQLite)
	ctx := context.Background()
	s := NewService(d, audit.New(d))
	data, _ := os.ReadFile("../../examples/inventory-montreal-shop.yaml")
	if _, _, err := s.Import(ctx, "op", "shop.yaml", data); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, _, err := s.Current(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

// TestSaveRefusesAStaleEdit: an edit started from revision 1 is refused
// once revision 2 exists, and nothing is saved.
func TestSaveRefusesAStaleEdit(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := NewService(d, audit.New(d))
		inv, err := Parse("shop.yaml", readExample(t))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Save(ctx, "a", "questionnaire", inv, 0); err != nil {
			t.Fatal(err)
		}
		inv.Organisation.LegalName = "Second"
		if rev, err := s.Save(ctx, "a", "questionnaire", inv, 1); err != nil || rev.Number != 2 {
			t.Fatalf("save from 1: %v %v", rev, err)
		}
		inv.Organisation.LegalName = "Stale"
		if _, err := s.Save(ctx, "b", "questionnaire", inv, 1); err != ErrConflict {
			t.Fatalf("stale save: %v", err)
		}
		cur, rev, err := s.Current(ctx)
		if err != nil || rev.Number != 2 || cur.Organisation.LegalName != "Second" {
			t.Fatalf("after the refused save: %v %v", rev, err)
		}
	})
}
