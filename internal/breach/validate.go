package breach

import (
	"net/mail"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/garde-privacy/garde/internal/rules"
)

// normalize trims the text of f and puts its lists in a stable order.
func normalize(f *Facts) {
	for _, p := range []*string{&f.Title, &f.Description, &f.Cause, &f.AwareHow, &f.Systems, &f.Processors,
		&f.PriorMeasures, &f.Consequences, &f.Measures, &f.Advice, &f.ContactName, &f.ContactEmail,
		&f.ContactPhone, &f.EnterpriseNumber, &f.DelayReason} {
		*p = strings.TrimSpace(*p)
	}
	f.ContactEmail = strings.ToLower(f.ContactEmail)
	var kinds []Kind
	for _, k := range Kinds {
		if slices.Contains(f.Kinds, k) {
			kinds = append(kinds, k)
		}
	}
	for _, k := range f.Kinds {
		if !slices.Contains(Kinds, k) {
			kinds = append(kinds, k) // kept so validation can refuse it
		}
	}
	f.Kinds = kinds
	slices.Sort(f.Categories)
	f.Categories = slices.Compact(f.Categories)
	if len(f.Residents) > 0 {
		res := map[string]int{}
		for r, n := range f.Residents {
			code, _ := rules.NormalizeRegion(r)
			res[code] += n
		}
		f.Residents = res
	}
	f.OccurredAt = f.OccurredAt.UTC().Truncate(time.Second)
	f.AwareAt = f.AwareAt.UTC().Truncate(time.Second)
	if f.OccurredUntil != nil {
		t := f.OccurredUntil.UTC().Truncate(time.Second)
		f.OccurredUntil = &t
	}
}

// validate checks the facts of an incident at now: the dates that cannot
// be (aware before it happened, anything in the future), the required
// facts, the lists and the lengths.
func validate(f *Facts, now time.Time) FieldErrors {
	errs := FieldErrors{}
	text := func(field, v string, max int, required bool) {
		switch {
		case v == "" && required:
			errs.set(field, ErrRequired)
		case utf8.RuneCountInString(v) > max:
			errs.set(field, ErrTooLong(max))
		case !cleanText(v):
			errs.set(field, ErrTextInvalid)
		}
	}
	text("title", f.Title, MaxTitleLen, true)
	text("description", f.Description, MaxTextLen, true)
	text("cause", f.Cause, MaxTextLen, false)
	text("aware_how", f.AwareHow, MaxTextLen, true)
	text("systems", f.Systems, MaxTextLen, false)
	text("processors", f.Processors, MaxTextLen, false)
	text("prior_measures", f.PriorMeasures, MaxTextLen, false)
	text("consequences", f.Consequences, MaxTextLen, true)
	text("measures", f.Measures, MaxTextLen, true)
	text("advice", f.Advice, MaxTextLen, false)
	text("contact_name", f.ContactName, MaxShortLen, true)
	text("contact_phone", f.ContactPhone, 40, false)
	text("enterprise_number", f.EnterpriseNumber, 40, false)
	text("delay_reason", f.DelayReason, MaxTextLen, false)
	if f.ContactEmail == "" {
		errs.set("contact_email", ErrRequired)
	} else if a, err := mail.ParseAddress(f.ContactEmail); err != nil || a.Address != f.ContactEmail || len(f.ContactEmail) > 254 {
		errs.set("contact_email", ErrEmailInvalid)
	}

	// A second of slack for clocks that differ between the browser's form
	// and the server.
	future := now.Add(time.Second)
	switch {
	case f.OccurredAt.IsZero():
		errs.set("occurred_at", ErrRequired)
	case f.OccurredAt.After(future):
		errs.set("occurred_at", ErrFuture)
	}
	if f.OccurredUntil != nil {
		switch {
		case f.OccurredUntil.After(future):
			errs.set("occurred_until", ErrFuture)
		case !f.OccurredAt.IsZero() && f.OccurredUntil.Before(f.OccurredAt):
			errs.set("occurred_until", ErrUntilBefore)
		}
	}
	switch {
	case f.AwareAt.IsZero():
		errs.set("aware_at", ErrRequired)
	case f.AwareAt.After(future):
		errs.set("aware_at", ErrFuture)
	case !f.OccurredAt.IsZero() && f.AwareAt.Before(f.OccurredAt):
		errs.set("aware_at", ErrAwareBefore)
	}

	if len(f.Kinds) == 0 {
		errs.set("kinds", ErrRequired)
	}
	for _, k := range f.Kinds {
		if !slices.Contains(Kinds, k) {
			errs.set("kinds", ErrKindInvalid)
		}
	}
	if len(f.Categories) == 0 {
		errs.set("categories", ErrRequired)
	}
	for _, c := range f.Categories {
		if !slices.Contains(Categories, c) {
			errs.set("categories", ErrCategory)
		}
	}
	switch {
	case f.Persons <= 0:
		errs.set("persons", ErrRequired)
	case f.Persons > MaxPersons:
		errs.set("persons", ErrNumberInvalid)
	}
	if f.Records < 0 || f.Records > MaxPersons*100 {
		errs.set("records", ErrNumberInvalid)
	}
	total := 0
	for r, n := range f.Residents {
		if _, ok := rules.NormalizeRegion(r); !ok {
			errs.set("residents", ErrRegionInvalid)
		}
		if n < 0 || n > MaxPersons {
			errs.set("residents", ErrNumberInvalid)
		}
		total += n
	}
	switch {
	case total == 0:
		errs.set("residents", ErrRequired)
	case f.Persons > 0 && total > f.Persons:
		errs.set("residents", ErrResidentsMore)
	}
	return errs
}

// cleanText refuses control characters other than line breaks and tabs.
func cleanText(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t' {
			return false
		}
	}
	return true
}
