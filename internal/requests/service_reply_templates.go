package requests

import (
	"context"
	"errors"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/i18n"
)

// Reply templates are ready-made answers: an agent picks one, Garde fills
// in the request's details in the person's language, and the agent edits
// the text before sending it as an ordinary reply. Templates are
// configuration, so changing them takes an admin; using them, an agent.

// ReplyTemplate is one ready-made answer, written in every language.
type ReplyTemplate struct {
	ID     string
	Name   string
	BodyEN string
	BodyFR string
	BodyNL string
	// RequestType is the kind of request the template suits; empty for any.
	RequestType Type
	CreatedBy   string // audit actor
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Body is the template's text in lang (English for an unknown language).
func (t *ReplyTemplate) Body(lang i18n.Lang) string {
	switch lang {
	case i18n.FR:
		return t.BodyFR
	case i18n.NL:
		return t.BodyNL
	}
	return t.BodyEN
}

// ReplyTemplateInput is what an admin types.
type ReplyTemplateInput struct {
	Name        string
	BodyEN      string
	BodyFR      string
	BodyNL      string
	RequestType Type
}

// Limits of a reply template.
const (
	MaxReplyTemplateNameLen = 120
	MaxReplyTemplateBodyLen = 5000
)

// Fields of the reply template form; ReplyTemplateErrors are keyed by them.
const (
	FieldTemplateName   = "name"
	FieldTemplateBodyEN = "body_en"
	FieldTemplateBodyFR = "body_fr"
	FieldTemplateBodyNL = "body_nl"
	FieldTemplateType   = "request_type"
)

// ReplyTemplateFields lists the form's fields in order.
var ReplyTemplateFields = []string{FieldTemplateName, FieldTemplateBodyEN, FieldTemplateBodyFR, FieldTemplateBodyNL, FieldTemplateType}

// Errors of reply templates.
var (
	ErrReplyTemplateNotFound     = i18n.NewError("requests.error.reply_template_not_found")
	ErrReplyTemplateNameRequired = i18n.NewError("requests.error.reply_template_name_required")
	ErrReplyTemplateNameLong     = i18n.NewError("requests.error.reply_template_name_long", map[string]any{"Max": MaxReplyTemplateNameLen})
	ErrReplyTemplateBodyRequired = i18n.NewError("requests.error.reply_template_body_required")
	ErrReplyTemplateBodyLong     = i18n.NewError("requests.error.reply_template_body_long", map[string]any{"Max": MaxReplyTemplateBodyLen})
	ErrReplyTemplateTypeInvalid  = i18n.NewError("requests.error.reply_template_type_invalid")
)

// errUnknownPlaceholders names the placeholders a template may not use.
func errUnknownPlaceholders(names []string) *i18n.Error {
	return i18n.NewError("requests.error.reply_template_placeholder_unknown", map[string]any{
		"Names": strings.Join(names, ", "), "Allowed": strings.Join(PlaceholderList(), ", "),
	})
}

// ReplyTemplateErrors holds one localized error per invalid field, so the
// form shows them all at once.
type ReplyTemplateErrors map[string]*i18n.Error

// Error lists the invalid fields.
func (e ReplyTemplateErrors) Error() string {
	var names []string
	for _, f := range ReplyTemplateFields {
		if e[f] != nil {
			names = append(names, f)
		}
	}
	return "requests: invalid reply template: " + strings.Join(names, ", ")
}

// The placeholders a template may use. They are filled by plain string
// replacement: operator text is never run as a template.
const (
	PlaceholderReference = "{{reference}}"
	PlaceholderName      = "{{name}}"
	PlaceholderDueDate   = "{{due_date}}"
	PlaceholderType      = "{{type}}"
	PlaceholderLaw       = "{{law}}"
)

// PlaceholderList lists the placeholders in the order help texts show them.
func PlaceholderList() []string {
	return []string{PlaceholderReference, PlaceholderName, PlaceholderDueDate, PlaceholderType, PlaceholderLaw}
}

// placeholderRE finds anything written like a placeholder, known or not.
var placeholderRE = regexp.MustCompile(`\{\{[^{}]*\}\}`)

// unknownPlaceholders returns, sorted and once each, the placeholders of
// body that are not in PlaceholderList.
func unknownPlaceholders(body string) []string {
	known := PlaceholderList()
	var out []string
	for _, m := range placeholderRE.FindAllString(body, -1) {
		if !slices.Contains(known, m) && !slices.Contains(out, m) {
			out = append(out, m)
		}
	}
	sort.Strings(out)
	return out
}

// checkReplyTemplate validates and normalises an input, collecting one
// error per bad field.
func checkReplyTemplate(in ReplyTemplateInput) (ReplyTemplateInput, error) {
	errs := ReplyTemplateErrors{}
	var out ReplyTemplateInput
	var err error
	if out.Name, err = checkLine(in.Name, MaxReplyTemplateNameLen, ErrReplyTemplateNameRequired, ErrReplyTemplateNameLong); err != nil {
		errs[FieldTemplateName] = asI18n(err)
	}
	bodies := []struct {
		field string
		in    string
		out   *string
	}{
		{FieldTemplateBodyEN, in.BodyEN, &out.BodyEN},
		{FieldTemplateBodyFR, in.BodyFR, &out.BodyFR},
		{FieldTemplateBodyNL, in.BodyNL, &out.BodyNL},
	}
	for _, b := range bodies {
		v, err := checkText(b.in, MaxReplyTemplateBodyLen, ErrReplyTemplateBodyRequired, ErrReplyTemplateBodyLong)
		if err != nil {
			errs[b.field] = asI18n(err)
			continue
		}
		if bad := unknownPlaceholders(v); len(bad) > 0 {
			errs[b.field] = errUnknownPlaceholders(bad)
			continue
		}
		*b.out = v
	}
	switch t := Type(strings.TrimSpace(string(in.RequestType))); {
	case t == "":
	case !t.Valid():
		errs[FieldTemplateType] = ErrReplyTemplateTypeInvalid
	default:
		out.RequestType = t
	}
	if len(errs) > 0 {
		return ReplyTemplateInput{}, errs
	}
	return out, nil
}

// asI18n is the localized error behind err (all validation errors are).
func asI18n(err error) *i18n.Error {
	var le *i18n.Error
	if errors.As(err, &le) {
		return le
	}
	return ErrTextInvalid
}

func replyTemplateTarget(id string) string { return "reply_template:" + id }

// CreateReplyTemplate adds a reply template.
func (s *Service) CreateReplyTemplate(ctx context.Context, actor Actor, in ReplyTemplateInput) (*ReplyTemplate, error) {
	if !actor.isAdmin() {
		return nil, ErrForbidden
	}
	in, err := checkReplyTemplate(in)
	if err != nil {
		return nil, err
	}
	if err := s.seedReplyTemplates(ctx); err != nil {
		return nil, err
	}
	now := s.now()
	t := &ReplyTemplate{ID: newID(), Name: in.Name, BodyEN: in.BodyEN, BodyFR: in.BodyFR, BodyNL: in.BodyNL,
		RequestType: in.RequestType, CreatedBy: actor.String(), CreatedAt: now, UpdatedAt: now}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := insertReplyTemplate(ctx, tx, t); err != nil {
			return err
		}
		_, err := s.audit.Record(ctx, tx, actor.String(), "reply_template.created", replyTemplateTarget(t.ID),
			map[string]any{"name": t.Name, "request_type": string(t.RequestType)})
		return err
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

// UpdateReplyTemplate changes a reply template.
func (s *Service) UpdateReplyTemplate(ctx context.Context, actor Actor, id string, in ReplyTemplateInput) (*ReplyTemplate, error) {
	if !actor.isAdmin() {
		return nil, ErrForbidden
	}
	cid, ok := canonicalID(id)
	if !ok {
		return nil, ErrReplyTemplateNotFound
	}
	in, err := checkReplyTemplate(in)
	if err != nil {
		return nil, err
	}
	var t *ReplyTemplate
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		if t, err = getReplyTemplate(ctx, tx, cid); err != nil {
			return err
		}
		t.Name, t.BodyEN, t.BodyFR, t.BodyNL, t.RequestType = in.Name, in.BodyEN, in.BodyFR, in.BodyNL, in.RequestType
		t.UpdatedAt = s.now()
		if err := updateReplyTemplate(ctx, tx, t); err != nil {
			return err
		}
		_, err := s.audit.Record(ctx, tx, actor.String(), "reply_template.updated", replyTemplateTarget(t.ID),
			map[string]any{"name": t.Name, "request_type": string(t.RequestType)})
		return err
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

// DeleteReplyTemplate removes a reply template; replies sent from it stay
// as they were sent.
func (s *Service) DeleteReplyTemplate(ctx context.Context, actor Actor, id string) error {
	if !actor.isAdmin() {
		return ErrForbidden
	}
	cid, ok := canonicalID(id)
	if !ok {
		return ErrReplyTemplateNotFound
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		t, err := getReplyTemplate(ctx, tx, cid)
		if err != nil {
			return err
		}
		if err := deleteReplyTemplate(ctx, tx, cid); err != nil {
			return err
		}
		_, err = s.audit.Record(ctx, tx, actor.String(), "reply_template.deleted", replyTemplateTarget(cid),
			map[string]any{"name": t.Name})
		return err
	})
}

// GetReplyTemplate returns a reply template.
func (s *Service) GetReplyTemplate(ctx context.Context, id string) (*ReplyTemplate, error) {
	cid, ok := canonicalID(id)
	if !ok {
		return nil, ErrReplyTemplateNotFound
	}
	if err := s.seedReplyTemplates(ctx); err != nil {
		return nil, err
	}
	return getReplyTemplate(ctx, s.db, cid)
}

// ReplyTemplates lists the reply templates by name. The first call on a
// new instance adds the starter templates.
func (s *Service) ReplyTemplates(ctx context.Context) ([]ReplyTemplate, error) {
	if err := s.seedReplyTemplates(ctx); err != nil {
		return nil, err
	}
	return listReplyTemplates(ctx, s.db)
}

// RenderReplyTemplate returns the template's text in the language of the
// request, its placeholders filled with the request's details. Callers
// check the actor may work on requests (the text names the person).
func (s *Service) RenderReplyTemplate(ctx context.Context, templateID, requestID string) (string, error) {
	t, err := s.GetReplyTemplate(ctx, templateID)
	if err != nil {
		return "", err
	}
	r, err := s.Get(ctx, requestID)
	if err != nil {
		return "", err
	}
	if r.PurgedAt != nil {
		return "", ErrNotFound
	}
	lang := r.Language
	if !lang.Valid() {
		lang = i18n.EN
	}
	law := r.LawID
	if l, ok := s.Law(r); ok {
		law = l.Name(lang)
	}
	lz := catalog().For(lang)
	// One pass over the text: a value that looks like a placeholder (a
	// name typed as "{{law}}") is not replaced again.
	return strings.NewReplacer(
		PlaceholderReference, r.Reference,
		PlaceholderName, r.Name,
		PlaceholderDueDate, FormatDate(lang, r.DueDate),
		PlaceholderType, lz.T(r.Type.LabelID()),
		PlaceholderLaw, law,
	).Replace(t.Body(lang)), nil
}

// catalog is the message catalog, loaded once, for words the service
// writes itself.
var catalog = sync.OnceValue(i18n.MustLoad)
