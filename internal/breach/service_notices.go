package breach

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/i18n"
)

// obligation finds the obligation key of v, else ErrObligationInvalid.
func (v *View) obligation(key string) (Obligation, error) {
	for _, o := range v.Obligations {
		if o.Key == key {
			return o, nil
		}
	}
	return Obligation{}, FieldErrors{"obligation": ErrObligationInvalid}
}

// Draft returns the newest saved version of a notice in lang, or, before
// any is saved, the text written from the facts (version 0).
func (s *Service) Draft(ctx context.Context, id, key string, lang i18n.Lang) (*Draft, error) {
	v, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	return s.draftOf(v, key, lang)
}

func (s *Service) draftOf(v *View, key string, lang i18n.Lang) (*Draft, error) {
	if !lang.Valid() {
		return nil, FieldErrors{"language": ErrLanguageInvalid}
	}
	ob, err := v.obligation(key)
	if err != nil {
		return nil, err
	}
	var latest *Draft
	for i := range v.Drafts {
		d := &v.Drafts[i]
		if d.Obligation == key && d.Language == string(lang) && (latest == nil || d.Version > latest.Version) {
			latest = d
		}
	}
	if latest != nil {
		return latest, nil
	}
	title, body := Generate(s.cat.For(lang), v.Incident, ob, v.Obligations, s.org, s.loc, s.Now())
	return &Draft{IncidentID: v.Incident.ID, Obligation: key, Language: string(lang), Title: title, Body: body}, nil
}

// Versions lists the saved versions of a notice in lang, newest first.
func (v *View) Versions(key string, lang i18n.Lang) []Draft {
	var out []Draft
	for i := len(v.Drafts) - 1; i >= 0; i-- {
		if d := v.Drafts[i]; d.Obligation == key && d.Language == string(lang) {
			out = append(out, d)
		}
	}
	return out
}

// SaveDraft stores an edited notice as its next version.
func (s *Service) SaveDraft(ctx context.Context, actor, id, key string, lang i18n.Lang, body string) (*Draft, error) {
	body = strings.TrimSpace(strings.ReplaceAll(body, "\r\n", "\n"))
	switch {
	case body == "":
		return nil, FieldErrors{"body": ErrRequired}
	case utf8.RuneCountInString(body) > MaxBodyLen:
		return nil, FieldErrors{"body": ErrTooLong(MaxBodyLen)}
	case !cleanText(body):
		return nil, FieldErrors{"body": ErrTextInvalid}
	}
	v, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	cur, err := s.draftOf(v, key, lang)
	if err != nil {
		return nil, err
	}
	title, _, _ := strings.Cut(body, "\n")
	d := &Draft{ID: newID(), IncidentID: v.Incident.ID, Obligation: key, Language: string(lang),
		Version: cur.Version + 1, Title: strings.TrimSpace(title), Body: body, CreatedBy: actor, CreatedAt: s.Now()}
	_, err = s.change(ctx, actor, v.Incident.ID, func(tx *db.Tx, inc *Incident) (*Event, map[string]any, error) {
		if err := s.store.InsertDraft(ctx, tx, d); err != nil {
			return nil, nil, err
		}
		data := map[string]any{"obligation": key, "language": string(lang), "version": d.Version}
		return &Event{Kind: EventDraftSaved, Data: data}, data, nil
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// NotifyInput records a notice sent.
type NotifyInput struct {
	Obligation string
	SentAt     time.Time
	// Reference is the number the authority gave, if any.
	Reference string
	Note      string
}

// RecordNotification records that a notice owed was sent: to an authority
// (date, reference number) or to the people. Recording again for the same
// obligation adds a phase (follow-up information).
func (s *Service) RecordNotification(ctx context.Context, actor, id string, in NotifyInput) (*Notification, error) {
	in.Reference, in.Note = strings.TrimSpace(in.Reference), strings.TrimSpace(in.Note)
	errs := FieldErrors{}
	switch {
	case in.SentAt.IsZero():
		errs.set("sent_at", ErrRequired)
	case in.SentAt.After(s.Now().Add(time.Second)):
		errs.set("sent_at", ErrFuture)
	}
	if utf8.RuneCountInString(in.Reference) > MaxShortLen {
		errs.set("reference", ErrTooLong(MaxShortLen))
	} else if !cleanText(in.Reference) || strings.ContainsAny(in.Reference, "\n\r") {
		errs.set("reference", ErrTextInvalid)
	}
	if utf8.RuneCountInString(in.Note) > MaxTextLen {
		errs.set("note", ErrTooLong(MaxTextLen))
	} else if !cleanText(in.Note) {
		errs.set("note", ErrTextInvalid)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	v, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	ob, err := v.obligation(in.Obligation)
	if err != nil {
		return nil, err
	}
	if !ob.Status.Owed() || ob.Status == StatusAwaitingAssessment {
		return nil, FieldErrors{"obligation": ErrNotOwed}
	}
	if in.SentAt.Before(v.Incident.Facts.AwareAt) {
		return nil, FieldErrors{"sent_at": ErrSentBeforeAware}
	}
	n := &Notification{ID: newID(), IncidentID: v.Incident.ID, Obligation: ob.Key, Phase: len(ob.Sent) + 1,
		SentAt: in.SentAt.UTC().Truncate(time.Second), Reference: in.Reference, Note: in.Note, RecordedBy: actor, RecordedAt: s.Now()}
	_, err = s.change(ctx, actor, v.Incident.ID, func(tx *db.Tx, inc *Incident) (*Event, map[string]any, error) {
		if err := s.store.InsertNotification(ctx, tx, n); err != nil {
			return nil, nil, err
		}
		data := map[string]any{"obligation": ob.Key, "phase": n.Phase, "sent_at": n.SentAt.Format(time.RFC3339)}
		if n.Reference != "" {
			data["reference"] = n.Reference
		}
		late := ob.Clock.Due != nil && n.SentAt.After(*ob.Clock.Due)
		data["late"] = late
		return &Event{Kind: EventNotified, Body: n.Note, Data: data}, data, nil
	})
	if err != nil {
		return nil, err
	}
	return n, nil
}
