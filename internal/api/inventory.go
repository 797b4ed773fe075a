package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/garde-privacy/garde/internal/docs"
	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/inventory"
	"github.com/garde-privacy/garde/internal/operator"
)

// InventoryInfo is one saved revision of the data inventory.
type InventoryInfo struct {
	Revision  int64     `json:"revision"`
	Source    string    `json:"source" doc:"Where it came from: import:<file name>, questionnaire."`
	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
	YAML      string    `json:"yaml" doc:"The inventory as the YAML file Garde imports and exports."`
}

// InventoryImport is an inventory file to save as the next revision.
type InventoryImport struct {
	YAML string `json:"yaml" minLength:"1" maxLength:"1048576" doc:"An inventory YAML file (see examples/inventory-montreal-shop.yaml)."`
	Name string `json:"name,omitempty" maxLength:"200" doc:"File name used in error messages." example:"shop.yaml"`
}

// DocMissing is an item a law requires that the inventory does not give.
type DocMissing struct {
	ID      string   `json:"id" doc:"Stable code of the item, e.g. docs.missing.officer_title."`
	Message string   `json:"message" doc:"The item, in the request's language."`
	Laws    []string `json:"laws" nullable:"false" doc:"Laws requiring it: quebec, pipeda, gdpr, ccpa, or plan."`
}

// DocDraft is a document written from the current inventory.
type DocDraft struct {
	Doc      string       `json:"doc" enum:"plan,policy,ropa"`
	Lang     string       `json:"lang" enum:"en,fr,nl"`
	Revision int64        `json:"inventory_revision"`
	Markdown string       `json:"markdown"`
	HTML     string       `json:"html" doc:"HTML fragment of the document."`
	Missing  []DocMissing `json:"missing" nullable:"false" doc:"Empty when the document is complete for the chosen laws."`
}

// DocVersion is a published version of a document.
type DocVersion struct {
	Doc           string       `json:"doc" enum:"plan,policy,ropa"`
	Lang          string       `json:"lang" enum:"en,fr,nl"`
	Version       int64        `json:"version"`
	Revision      int64        `json:"inventory_revision"`
	EffectiveDate string       `json:"effective_date" example:"2026-02-01"`
	Incomplete    bool         `json:"incomplete" doc:"Published with an override of the completeness check."`
	Missing       []DocMissing `json:"missing" nullable:"false"`
	PublishedBy   string       `json:"published_by"`
	PublishedAt   time.Time    `json:"published_at"`
	Markdown      string       `json:"markdown,omitempty"`
}

// DocPublish asks to publish a document.
type DocPublish struct {
	Override bool `json:"override,omitempty" doc:"Publish even though the completeness check fails; recorded in the audit log."`
}

type docPath struct {
	Doc  string `path:"doc" enum:"plan,policy,ropa"`
	Lang string `path:"lang" enum:"en,fr,nl"`
}

func docMissing(ctx context.Context, ms []docs.Missing) []DocMissing {
	lz := Localizer(ctx)
	out := make([]DocMissing, 0, len(ms))
	for _, m := range ms {
		out = append(out, DocMissing{ID: m.ID, Message: m.Message(lz), Laws: m.Laws})
	}
	return out
}

func docVersion(ctx context.Context, s *Server, p *docs.Publication, withBody bool) DocVersion {
	v := DocVersion{Doc: string(p.Kind), Lang: string(p.Lang), Version: p.Version, Revision: p.InventoryRevision,
		EffectiveDate: p.EffectiveDate, Incomplete: p.Incomplete, Missing: docMissing(ctx, p.Missing),
		PublishedBy: p.PublishedBy, PublishedAt: p.PublishedAt.UTC()}
	if withBody {
		v.Markdown = p.Markdown
	}
	return v
}

// inventoryError maps the inventory's and documents' errors.
func inventoryError(err error) error {
	var fe inventory.FileErrors
	if errors.As(err, &fe) {
		e := NewError(http.StatusUnprocessableEntity, CodeInvalid)
		for _, f := range fe {
			e = e.WithDetail(fmt.Sprintf("body.yaml:%d:%s", f.Line, f.Path), f.ID, f.Data)
		}
		return e
	}
	var ie *i18n.Error
	if !errors.As(err, &ie) {
		return Internal(err)
	}
	switch ie.ID {
	case inventory.ErrNoInventory.ID, inventory.ErrRevisionNotFound.ID, docs.ErrNotPublished.ID:
		return DomainError(http.StatusNotFound, ie)
	}
	return DomainError(http.StatusUnprocessableEntity, ie)
}

func registerInventory(s *Server) {
	ready := func() error {
		if s.Inventory == nil || s.Docs == nil {
			return NewError(http.StatusServiceUnavailable, CodeUnavailable)
		}
		return nil
	}
	info := func(rev *inventory.Revision) *struct{ Body InventoryInfo } {
		return &struct{ Body InventoryInfo }{Body: InventoryInfo{Revision: rev.Number, Source: rev.Source,
			CreatedBy: rev.CreatedBy, CreatedAt: rev.CreatedAt.UTC(), YAML: string(rev.Body)}}
	}

	Register(s, Route{
		ID: "get-inventory", Method: http.MethodGet, Path: "/inventory", Tag: "Inventory",
		Scope: operator.ScopeInventoryRead, Summary: "Get the current data inventory",
	}, func(ctx context.Context, _ *struct{}) (*struct{ Body InventoryInfo }, error) {
		if err := ready(); err != nil {
			return nil, err
		}
		_, rev, err := s.Inventory.Current(ctx)
		if err != nil {
			return nil, inventoryError(err)
		}
		return info(rev), nil
	})

	Register(s, Route{
		ID: "import-inventory", Method: http.MethodPut, Path: "/inventory", Tag: "Inventory",
		Scope: operator.ScopeInventoryWrite, Summary: "Save an inventory file as the next revision", MaxBodyBytes: 2 << 20,
		Description: "A file with unknown keys, unknown fideslang categories, uses or subjects, or references to unknown " +
			"systems is refused with one detail per problem (location body.yaml:<line>:<path>); nothing is saved.",
	}, func(ctx context.Context, in *struct{ Body InventoryImport }) (*struct{ Body InventoryInfo }, error) {
		if err := ready(); err != nil {
			return nil, err
		}
		name := in.Body.Name
		if name == "" {
			name = "api.yaml"
		}
		rev, _, err := s.Inventory.Import(ctx, Actor(ctx), name, []byte(in.Body.YAML))
		if err != nil {
			return nil, inventoryError(err)
		}
		return info(rev), nil
	})

	Register(s, Route{
		ID: "preview-document", Method: http.MethodGet, Path: "/documents/{doc}/{lang}", Tag: "Inventory",
		Scope: operator.ScopeInventoryRead, Summary: "Write a document from the current inventory",
		Description: "The privacy plan, privacy policy or record of processing in English, French or Dutch, with what " +
			"each chosen law still requires.",
	}, func(ctx context.Context, in *docPath) (*struct{ Body DocDraft }, error) {
		if err := ready(); err != nil {
			return nil, err
		}
		d, err := s.Docs.Preview(ctx, docs.Kind(in.Doc), i18n.Lang(in.Lang))
		if err != nil {
			return nil, inventoryError(err)
		}
		return &struct{ Body DocDraft }{Body: DocDraft{Doc: in.Doc, Lang: in.Lang, Revision: d.Revision,
			Markdown: d.Markdown, HTML: d.HTML, Missing: docMissing(ctx, d.Missing)}}, nil
	})

	Register(s, Route{
		ID: "publish-document", Method: http.MethodPost, Path: "/documents/{doc}/{lang}/versions", Tag: "Inventory",
		Scope: operator.ScopeInventoryWrite, Summary: "Publish the document as its next version",
		Description: "Refused with docs.error.incomplete when the completeness check fails, unless override is true; " +
			"the override and what was missing are recorded in the audit log.",
	}, func(ctx context.Context, in *struct {
		Doc  string `path:"doc" enum:"plan,policy,ropa"`
		Lang string `path:"lang" enum:"en,fr,nl"`
		Body DocPublish
	}) (*struct{ Body DocVersion }, error) {
		if err := ready(); err != nil {
			return nil, err
		}
		p, err := s.Docs.Publish(ctx, Actor(ctx), docs.Kind(in.Doc), i18n.Lang(in.Lang), in.Body.Override)
		if err != nil {
			return nil, inventoryError(err)
		}
		return &struct{ Body DocVersion }{Body: docVersion(ctx, s, p, true)}, nil
	})

	Register(s, Route{
		ID: "list-document-versions", Method: http.MethodGet, Path: "/documents/{doc}/{lang}/versions", Tag: "Inventory",
		Scope: operator.ScopeInventoryRead, Summary: "List the published versions of a document, newest first",
	}, func(ctx context.Context, in *docPath) (*struct{ Body []DocVersion }, error) {
		if err := ready(); err != nil {
			return nil, err
		}
		hist, err := s.Docs.History(ctx, docs.Kind(in.Doc), i18n.Lang(in.Lang))
		if err != nil {
			return nil, inventoryError(err)
		}
		out := make([]DocVersion, 0, len(hist))
		for i := range hist {
			out = append(out, docVersion(ctx, s, &hist[i], false))
		}
		return &struct{ Body []DocVersion }{Body: out}, nil
	})
}
