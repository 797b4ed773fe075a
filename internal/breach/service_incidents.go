package breach

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/garde-privacy/garde/internal/db"
)

// Open records a new incident in the register.
func (s *Service) Open(ctx context.Context, actor string, f Facts) (*Incident, error) {
	normalize(&f)
	now := s.Now()
	if errs := validate(&f, now); len(errs) > 0 {
		return nil, errs
	}
	inc := &Incident{ID: newID(), State: StateOpen, Facts: f, Assessments: map[string]Assessment{},
		CreatedAt: now, UpdatedAt: now}
	inc.RetainUntil = RetainUntil(&inc.Facts, s.laws)
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		for range 5 {
			ref, err := newReference()
			if err != nil {
				return err
			}
			inc.Reference = ref
			var n int
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM breaches WHERE reference = ?`, ref).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				break
			}
		}
		if err := s.store.InsertIncident(ctx, tx, inc); err != nil {
			return err
		}
		ev := &Event{Kind: EventOpened, Data: map[string]any{"aware_at": inc.Facts.AwareAt.Format(time.RFC3339)}}
		if err := s.event(ctx, tx, inc, ev, actor); err != nil {
			return err
		}
		return s.record(ctx, tx, actor, "breach.opened", inc, map[string]any{"persons": f.Persons})
	})
	if err != nil {
		return nil, err
	}
	return inc, nil
}

// Edit replaces the facts of an open incident. The fields changed go on the
// timeline; moving the time of awareness or of the breach moves the legal
// clocks, so it takes a reason, written on the timeline with the old and
// new times.
func (s *Service) Edit(ctx context.Context, actor, id string, f Facts, reason string) (*Incident, error) {
	normalize(&f)
	reason = strings.TrimSpace(reason)
	if errs := validate(&f, s.Now()); len(errs) > 0 {
		return nil, errs
	}
	if utf8.RuneCountInString(reason) > MaxTextLen {
		return nil, FieldErrors{"change_reason": ErrTooLong(MaxTextLen)}
	}
	return s.change(ctx, actor, id, func(_ *db.Tx, inc *Incident) (*Event, map[string]any, error) {
		changed := changedFields(&inc.Facts, &f)
		if len(changed) == 0 {
			return nil, nil, errNoChange
		}
		data := map[string]any{"fields": changed}
		clockMoved := !inc.Facts.AwareAt.Equal(f.AwareAt) || !inc.Facts.OccurredAt.Equal(f.OccurredAt)
		if clockMoved {
			if reason == "" {
				return nil, nil, FieldErrors{"change_reason": ErrReasonRequired}
			}
			data["aware_at_before"] = inc.Facts.AwareAt.Format(time.RFC3339)
			data["aware_at_after"] = f.AwareAt.Format(time.RFC3339)
			data["occurred_at_before"] = inc.Facts.OccurredAt.Format(time.RFC3339)
			data["occurred_at_after"] = f.OccurredAt.Format(time.RFC3339)
		}
		inc.Facts = f
		inc.RetainUntil = RetainUntil(&inc.Facts, s.laws)
		return &Event{Kind: EventFactsEdited, Body: reason, Data: data}, map[string]any{"fields": changed, "clock_moved": clockMoved}, nil
	})
}

// errNoChange is an edit that changes nothing: it succeeds without a trace.
var errNoChange = errors.New("breach: nothing changed")

// IsNoChange reports whether an edit changed nothing.
func IsNoChange(err error) bool { return errors.Is(err, errNoChange) }

// changedFields names the JSON fields that differ between a and b.
func changedFields(a, b *Facts) []string {
	va, vb := reflect.ValueOf(a).Elem(), reflect.ValueOf(b).Elem()
	var out []string
	for i := range va.NumField() {
		x, y := va.Field(i).Interface(), vb.Field(i).Interface()
		if tx, ok := x.(time.Time); ok {
			if !tx.Equal(y.(time.Time)) {
				out = append(out, jsonName(va.Type().Field(i)))
			}
			continue
		}
		if !reflect.DeepEqual(x, y) && !(isEmpty(va.Field(i)) && isEmpty(vb.Field(i))) {
			out = append(out, jsonName(va.Type().Field(i)))
		}
	}
	return out
}

func isEmpty(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Slice, reflect.Map:
		return v.Len() == 0
	case reflect.Pointer:
		return v.IsNil()
	}
	return v.IsZero()
}

func jsonName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	return name
}

// AssessInput is a risk assessment under one law.
type AssessInput struct {
	LawID      string
	Level      string
	Factors    map[string]string
	Exemptions []string
	Consulted  bool
	Reasoning  string
}

// Assess records (or replaces) the risk assessment under one law; the
// previous one stays on the timeline.
func (s *Service) Assess(ctx context.Context, actor, id string, in AssessInput) (*Incident, error) {
	in.Reasoning = strings.TrimSpace(in.Reasoning)
	law, ok := s.laws.Law(in.LawID)
	if !ok {
		return nil, FieldErrors{"law": ErrLawInvalid}
	}
	errs := FieldErrors{}
	if !law.ValidLevel(in.Level) {
		errs.set("level", ErrLevelInvalid)
	}
	factors := map[string]string{}
	for _, f := range law.Assessment.Factors {
		r := in.Factors[f]
		if !slices.Contains(Ratings, r) {
			errs.set("factors", ErrFactorInvalid)
		}
		factors[f] = r
	}
	for f := range in.Factors {
		if !slices.Contains(law.Assessment.Factors, f) && in.Factors[f] != "" {
			errs.set("factors", ErrFactorInvalid)
		}
	}
	var exemptions []string
	for _, e := range law.Assessment.Exemptions {
		if slices.Contains(in.Exemptions, e) {
			exemptions = append(exemptions, e)
		}
	}
	if len(exemptions) != len(slices.Compact(slices.Sorted(slices.Values(in.Exemptions)))) {
		errs.set("exemptions", ErrExemptionInvalid)
	}
	if law.Assessment.ConsultRequired && !in.Consulted {
		errs.set("consulted", ErrConsultRequired)
	}
	switch {
	case in.Reasoning == "":
		errs.set("reasoning", ErrRequired)
	case utf8.RuneCountInString(in.Reasoning) > MaxTextLen:
		errs.set("reasoning", ErrTooLong(MaxTextLen))
	case !cleanText(in.Reasoning):
		errs.set("reasoning", ErrTextInvalid)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return s.change(ctx, actor, id, func(_ *db.Tx, inc *Incident) (*Event, map[string]any, error) {
		applies := false
		for region, n := range inc.Facts.Residents {
			applies = applies || (n > 0 && law.Covers(region))
		}
		if !applies {
			return nil, nil, FieldErrors{"law": ErrLawInvalid}
		}
		prev, had := inc.Assessments[law.ID]
		a := Assessment{LawID: law.ID, Level: in.Level, Factors: factors, Exemptions: exemptions,
			Consulted: in.Consulted, Reasoning: in.Reasoning, AssessedAt: s.Now(), AssessedBy: actor}
		if len(a.Factors) == 0 {
			a.Factors = nil
		}
		inc.Assessments[law.ID] = a
		data := map[string]any{"law": law.ID, "level": a.Level, "exemptions": exemptions, "consulted": a.Consulted}
		if len(factors) > 0 {
			data["factors"] = factors
		}
		if had {
			data["previous_level"] = prev.Level
		}
		return &Event{Kind: EventAssessed, Body: a.Reasoning, Data: data},
			map[string]any{"law": law.ID, "level": a.Level}, nil
	})
}

// Close ends the handling of an incident; it stays in the register. Every
// law must have been assessed and every notice owed sent.
func (s *Service) Close(ctx context.Context, actor, id, note string) (*Incident, error) {
	note = strings.TrimSpace(note)
	if utf8.RuneCountInString(note) > MaxTextLen {
		return nil, FieldErrors{"note": ErrTooLong(MaxTextLen)}
	}
	return s.change(ctx, actor, id, func(tx *db.Tx, inc *Incident) (*Event, map[string]any, error) {
		sent, err := s.store.ListNotifications(ctx, tx, inc.ID)
		if err != nil {
			return nil, nil, err
		}
		for _, o := range Obligations(inc, s.laws, s.rules, sent, s.Now(), s.loc) {
			switch o.Status {
			case StatusAwaitingAssessment:
				return nil, nil, ErrCloseUnassessed
			case StatusRequired, StatusPublicCommunication:
				return nil, nil, ErrCloseUnsent
			}
		}
		now := s.Now()
		inc.State, inc.ClosedAt, inc.CloseNote = StateClosed, &now, note
		return &Event{Kind: EventClosed, Body: note}, nil, nil
	})
}

// Check validates facts without recording them, so a form with input it
// could not read still shows every other error at once.
func (s *Service) Check(f Facts) FieldErrors {
	normalize(&f)
	return validate(&f, s.Now())
}
