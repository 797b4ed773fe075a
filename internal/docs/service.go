package docs

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/garde-privacy/garde/internal/audit"
	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/inventory"
)

// Service previews and publishes documents from the stored inventory.
type Service struct {
	db        *db.DB
	store     Store
	inventory *inventory.Service
	render    *Renderer
	audit     *audit.Log
	now       func() time.Time
}

// NewService returns the service.
func NewService(d *db.DB, inv *inventory.Service, r *Renderer, log *audit.Log) *Service {
	return &Service{db: d, store: NewSQLStore(d), inventory: inv, render: r, audit: log, now: time.Now}
}

// Renderer returns the service's renderer.
func (s *Service) Renderer() *Renderer { return s.render }

// Draft is a document rendered from the current inventory, not published.
type Draft struct {
	Kind     Kind
	Lang     i18n.Lang
	Markdown string
	HTML     string
	Missing  []Missing
	Revision int64
}

// Preview renders document k in lang from the current inventory.
func (s *Service) Preview(ctx context.Context, k Kind, lang i18n.Lang) (*Draft, error) {
	if !k.Valid() {
		return nil, ErrUnknownDoc
	}
	inv, rev, err := s.inventory.Current(ctx)
	if err != nil {
		return nil, err
	}
	return s.draft(inv, rev.Number, k, lang, Options{LastUpdated: s.now().UTC()})
}

func (s *Service) draft(inv *inventory.Inventory, rev int64, k Kind, lang i18n.Lang, opts Options) (*Draft, error) {
	md, err := s.render.Markdown(inv, k, lang, opts)
	if err != nil {
		return nil, err
	}
	return &Draft{Kind: k, Lang: lang, Markdown: md, HTML: MarkdownToHTML(md), Missing: Check(inv, k), Revision: rev}, nil
}

// Publish renders document k in lang from the current inventory and saves it
// as the next version. A document that fails the completeness check is
// refused with ErrIncomplete unless override is set; the override and what
// was missing go into the publication and the audit log.
func (s *Service) Publish(ctx context.Context, actor string, k Kind, lang i18n.Lang, override bool) (*Publication, error) {
	if !k.Valid() {
		return nil, ErrUnknownDoc
	}
	if !lang.Valid() {
		return nil, ErrUnknownLang
	}
	inv, rev, err := s.inventory.Current(ctx)
	if err != nil {
		return nil, err
	}
	missing := Check(inv, k)
	if len(missing) > 0 && !override {
		return nil, i18n.NewError(ErrIncomplete.ID, map[string]any{"Count": len(missing)})
	}
	now := s.now().UTC()
	effective := now.Format(time.DateOnly)
	if inv.Organisation.EffectiveDate > effective {
		effective = inv.Organisation.EffectiveDate
	}
	var pub *Publication
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		// The version number is known only inside the transaction, and the
		// document prints it, so it is rendered here.
		last, err := s.store.LatestPublication(ctx, k, lang)
		next := int64(1)
		if err == nil {
			next = last.Version + 1
		}
		eff, _ := time.Parse(time.DateOnly, effective)
		d, err := s.draft(inv, rev.Number, k, lang, Options{LastUpdated: now, Version: next, EffectiveDate: eff})
		if err != nil {
			return err
		}
		pub = &Publication{ID: uuid.NewString(), Kind: k, Lang: lang, InventoryRevision: rev.Number,
			Markdown: d.Markdown, HTML: d.HTML, EffectiveDate: effective, Incomplete: len(missing) > 0,
			Missing: missing, PublishedBy: actor, PublishedAt: now}
		if err := s.store.InsertPublication(ctx, tx, pub); err != nil {
			return err
		}
		if pub.Version != next {
			return fmt.Errorf("docs: version %d published concurrently", next)
		}
		ids := make([]string, len(missing))
		for i, m := range missing {
			ids[i] = m.ID
		}
		details := map[string]any{"inventory_revision": rev.Number, "version": pub.Version}
		if len(missing) > 0 {
			details["override"] = true
			details["missing"] = ids
		}
		_, err = s.audit.Record(ctx, tx, actor, "docs.publish", fmt.Sprintf("docs:%s:%s:v%d", k, lang, pub.Version), details)
		return err
	})
	if err != nil {
		return nil, err
	}
	return pub, nil
}

// Current returns the published version people see.
func (s *Service) Current(ctx context.Context, k Kind, lang i18n.Lang) (*Publication, error) {
	return s.store.LatestPublication(ctx, k, lang)
}

// Version returns one published version.
func (s *Service) Version(ctx context.Context, k Kind, lang i18n.Lang, v int64) (*Publication, error) {
	return s.store.GetPublication(ctx, k, lang, v)
}

// History lists the published versions, newest first.
func (s *Service) History(ctx context.Context, k Kind, lang i18n.Lang) ([]Publication, error) {
	return s.store.ListPublications(ctx, k, lang)
}
