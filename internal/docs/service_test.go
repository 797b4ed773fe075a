package docs

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/garde-privacy/garde/internal/audit"
	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/inventory"
	"github.com/garde-privacy/garde/internal/testutil/dbtest"
)

func TestMain(m *testing.M) { os.Exit(dbtest.Main(m)) }

func exampleBytes(t *testing.T) []byte { return exampleBytesB(t) }

func exampleBytesB(t testing.TB) []byte {
	t.Helper()
	data, err := os.ReadFile("../../examples/inventory-montreal-shop.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestPublishVersionsAndOverride(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		log := audit.New(d)
		invs := inventory.NewService(d, log)
		s := NewService(d, invs, NewRenderer(cat), log)
		now := time.Date(2026, 3, 10, 15, 0, 0, 0, time.UTC)
		s.now = func() time.Time { return now }

		if _, err := s.Publish(ctx, "op", Policy, i18n.FR, false); !errors.Is(err, inventory.ErrNoInventory) {
			t.Fatalf("publish without inventory: %v", err)
		}
		// An inventory without the officer's title fails the Quebec check.
		incomplete := strings.Replace(string(exampleBytes(t)), "    title:\n      fr: Responsable de la protection des renseignements personnels\n      en: Person in charge of the protection of personal information\n      nl: Verantwoordelijke voor de bescherming van persoonsgegevens\n", "", 1)
		if _, _, err := invs.Import(ctx, "op", "incomplete.yaml", []byte(incomplete)); err != nil {
			t.Fatal(err)
		}
		_, err := s.Publish(ctx, "op", Policy, i18n.FR, false)
		var ie *i18n.Error
		if !errors.As(err, &ie) || ie.ID != ErrIncomplete.ID || ie.Data["Count"] != 1 {
			t.Fatalf("incomplete publish: %v", err)
		}
		if _, err := s.Current(ctx, Policy, i18n.FR); !errors.Is(err, ErrNotPublished) {
			t.Fatalf("a refused publication saved something: %v", err)
		}
		forced, err := s.Publish(ctx, "op", Policy, i18n.FR, true)
		if err != nil {
			t.Fatal(err)
		}
		if forced.Version != 1 || !forced.Incomplete || len(forced.Missing) != 1 || forced.Missing[0].ID != "docs.missing.officer_title" {
			t.Fatalf("override: %+v", forced)
		}
		entries, err := log.List(ctx, audit.ListFilter{})
		if err != nil {
			t.Fatal(err)
		}
		var publish []audit.Entry
		for _, e := range entries {
			if e.Action == "docs.publish" {
				publish = append(publish, e)
			}
		}
		if len(publish) != 1 || publish[0].Details["override"] != true || publish[0].Target != "docs:policy:fr:v1" {
			t.Fatalf("audit of the override: %+v", publish)
		}

		if _, _, err := invs.Import(ctx, "op", "shop.yaml", exampleBytes(t)); err != nil {
			t.Fatal(err)
		}
		now = now.Add(24 * time.Hour)
		v2, err := s.Publish(ctx, "op", Policy, i18n.FR, false)
		if err != nil {
			t.Fatal(err)
		}
		if v2.Version != 2 || v2.Incomplete || v2.InventoryRevision != 2 || v2.EffectiveDate != "2026-03-11" {
			t.Fatalf("v2: %+v", v2)
		}
		if !strings.Contains(v2.Markdown, "(version 2)") || !strings.Contains(v2.Markdown, "**Date d'entrée en vigueur :** 11 mars 2026\n**Dernière mise à jour :** 11 mars 2026 (version 2)") || !strings.Contains(v2.HTML, "<h1>Politique de confidentialité") {
			t.Fatalf("v2 body:\n%s", v2.Markdown)
		}
		cur, err := s.Current(ctx, Policy, i18n.FR)
		if err != nil || cur.Version != 2 {
			t.Fatalf("current: %v %v", cur, err)
		}
		old, err := s.Version(ctx, Policy, i18n.FR, 1)
		if err != nil || !strings.Contains(old.Markdown, "(version 1)") || !old.Incomplete {
			t.Fatalf("v1 kept: %v", err)
		}
		hist, err := s.History(ctx, Policy, i18n.FR)
		if err != nil || len(hist) != 2 || hist[0].Version != 2 || hist[1].Version != 1 || hist[1].PublishedAt.Day() != 10 {
			t.Fatalf("history: %+v %v", hist, err)
		}
		// Languages are versioned separately.
		en, err := s.Publish(ctx, "op", Policy, i18n.EN, false)
		if err != nil || en.Version != 1 {
			t.Fatalf("English: %+v %v", en, err)
		}
		if _, err := s.Publish(ctx, "op", Kind("memo"), i18n.EN, false); !errors.Is(err, ErrUnknownDoc) {
			t.Fatalf("unknown doc: %v", err)
		}
	})
}
