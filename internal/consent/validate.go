package consent

import (
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/garde-privacy/garde/internal/i18n"
)

// EventInput is a choice as sent by the API, the banner or a page.
type EventInput struct {
	SiteID        string
	SubjectID     string
	DeviceID      string
	Granted       []string
	Refused       []string
	Method        string
	Source        string
	NoticeVersion string
	Language      string
	GPC           bool
	// GivenAt is when the person chose (imports carry old choices); the
	// time of recording when nil.
	GivenAt *time.Time
}

var (
	purposeName = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)
	langTag     = regexp.MustCompile(`^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$`)
)

func validPurposeName(s string) bool { return purposeName.MatchString(s) }

func errPurposeUnknown(p string, known []Purpose) *i18n.Error {
	if known == nil {
		known = knownPurposes(nil)
	}
	if len(p) > MaxPurposeLen {
		p = p[:MaxPurposeLen] + "…"
	}
	return i18n.NewError("consent.error.purpose_unknown", map[string]any{"Purpose": p,
		"Known": strings.Join(purposeStrings(known), ", ")})
}

// checkID reports an identifier that is too long or holds characters no
// identifier has (control characters, spaces at either end).
func checkID(fe FieldErrors, field, v string) {
	switch {
	case len(v) > MaxIDLen:
		fe.add(field, "consent.error.id_long", map[string]any{"Max": MaxIDLen})
	case v != strings.TrimSpace(v) || strings.IndexFunc(v, unicode.IsControl) >= 0:
		fe.add(field, "consent.error.id_invalid")
	}
}

// validate checks every field at once and returns the event to append.
func (in EventInput) validate(site *Site, now time.Time) (*Event, error) {
	fe := FieldErrors{}
	checkID(fe, FieldSubject, in.SubjectID)
	checkID(fe, FieldDevice, in.DeviceID)
	if in.SubjectID == "" && in.DeviceID == "" {
		fe.add(FieldSubject, ErrHolderNeeded.ID)
	}
	known := knownPurposes(site)
	seen := map[string]bool{}
	purposes := func(field string, list []string) []Purpose {
		if len(list) > MaxPurposes {
			fe.add(field, "consent.error.purposes_many", map[string]any{"Max": MaxPurposes})
			return nil
		}
		out := make([]Purpose, 0, len(list))
		for _, p := range list {
			switch {
			case !slices.Contains(known, Purpose(p)):
				fe.add(field, errPurposeUnknown(p, known).ID, errPurposeUnknown(p, known).Data)
			case seen[p]:
				fe.add(field, "consent.error.purpose_twice", map[string]any{"Purpose": p})
			default:
				seen[p] = true
				out = append(out, Purpose(p))
			}
		}
		return out
	}
	e := &Event{Kind: KindChoice, SiteID: in.SiteID, SubjectID: in.SubjectID, DeviceID: in.DeviceID,
		NoticeVersion: in.NoticeVersion, Language: in.Language, GPC: in.GPC}
	e.Granted = purposes(FieldGranted, in.Granted)
	e.Refused = purposes(FieldRefused, in.Refused)
	if len(in.Granted)+len(in.Refused) == 0 {
		fe.add(FieldGranted, "consent.error.purposes_required")
	}
	if slices.Contains(e.Refused, Necessary) {
		fe.add(FieldRefused, "consent.error.necessary_refused")
	}
	if !slices.Contains(Methods, Method(in.Method)) {
		fe.add(FieldMethod, "consent.error.method_invalid")
	}
	if !slices.Contains(Sources, Source(in.Source)) {
		fe.add(FieldSource, "consent.error.source_invalid")
	}
	e.Method, e.Source = Method(in.Method), Source(in.Source)
	if site != nil && e.NoticeVersion == "" {
		e.NoticeVersion = site.NoticeVersion
	}
	switch {
	case len(e.NoticeVersion) > MaxNoticeLen:
		fe.add(FieldNotice, "consent.error.notice_long", map[string]any{"Max": MaxNoticeLen})
	case strings.IndexFunc(e.NoticeVersion, unicode.IsControl) >= 0:
		fe.add(FieldNotice, "consent.error.notice_invalid")
	}
	if in.Language != "" && !langTag.MatchString(in.Language) {
		fe.add(FieldLanguage, "consent.error.language_invalid")
	}
	e.GivenAt = now
	if in.GivenAt != nil {
		g := in.GivenAt.UTC().Truncate(time.Microsecond)
		switch {
		case g.After(now.Add(maxFutureSkewMins * time.Minute)):
			fe.add(FieldGivenAt, "consent.error.given_at_future")
		case g.Before(now.Add(-maxPastGiven * time.Hour)):
			fe.add(FieldGivenAt, "consent.error.given_at_old")
		default:
			e.GivenAt = g
		}
	}
	if len(fe) > 0 {
		return nil, fe
	}
	return e, nil
}
