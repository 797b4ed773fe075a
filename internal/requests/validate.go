package requests

import (
	"net/mail"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/garde-privacy/garde/internal/i18n"
)

// SubmitInput is what a person (or the business's system) sends.
type SubmitInput struct {
	Email       string
	Name        string
	Phone       string // optional
	Subject     string
	Type        Type
	Description string
	AccountID   string // optional
	Region      string // ISO 3166 code of the region of residence
	Language    i18n.Lang
}

// clean is a validated, normalised SubmitInput.
type clean struct {
	SubmitInput
	law Law
}

// validate checks every field and collects one error per bad field.
func (s *Service) validate(in SubmitInput) (clean, error) {
	errs := FieldErrors{}
	out := clean{}

	if email, err := normalizeEmail(in.Email); err != nil {
		errs[FieldEmail] = err
	} else {
		out.Email = email
	}
	out.Name, errs[FieldName] = line(in.Name, true, MaxNameLen, "name")
	if phone, ok := normalizePhone(in.Phone, in.Region); ok {
		out.Phone = phone
	} else {
		errs[FieldPhone] = i18n.NewError("requests.error.phone_invalid")
	}
	out.Subject, errs[FieldSubject] = line(in.Subject, true, MaxSubjectLen, "subject")
	switch t := Type(strings.TrimSpace(string(in.Type))); {
	case t == "":
		errs[FieldType] = i18n.NewError("requests.error.type_required")
	case !t.Valid():
		errs[FieldType] = i18n.NewError("requests.error.type_invalid")
	default:
		out.Type = t
	}
	out.Description, errs[FieldDescription] = text(in.Description, true, MaxDescriptionLen, "description")
	out.AccountID, errs[FieldAccountID] = line(in.AccountID, false, MaxAccountIDLen, "account_id")
	region := strings.ToUpper(strings.TrimSpace(in.Region))
	switch {
	case region == "":
		errs[FieldRegion] = i18n.NewError("requests.error.region_required")
	case !regionPattern.MatchString(region):
		errs[FieldRegion] = i18n.NewError("requests.error.region_invalid")
	default:
		law, ok := s.deadlines.ForRegion(region)
		if !ok && s.fallbackRegion != "" {
			law, ok = s.deadlines.ForRegion(s.fallbackRegion)
		}
		if !ok {
			errs[FieldRegion] = i18n.NewError("requests.error.region_unknown")
		}
		out.Region, out.law = region, law
	}
	switch lang := i18n.Lang(strings.ToLower(strings.TrimSpace(string(in.Language)))); {
	case lang == "":
		out.Language = i18n.EN
	case lang.Valid():
		out.Language = lang
	default:
		errs[FieldLanguage] = i18n.NewError("requests.error.language_invalid")
	}

	for k, v := range errs {
		if v == nil {
			delete(errs, k)
		}
	}
	if len(errs) > 0 {
		return clean{}, errs
	}
	return out, nil
}

var regionPattern = regexp.MustCompile(`^[A-Z]{2}(-[A-Z0-9]{1,3})?$`)

const maxEmailLen = 254 // the longest address SMTP can carry

// normalizeEmail trims and lower-cases an address and checks it is a bare
// address with a domain that has a dot. Lower-casing the local part is not
// strictly RFC-correct, but every real mailbox provider ignores case, and
// matching a person's requests depends on it.
func normalizeEmail(s string) (string, *i18n.Error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" {
		return "", i18n.NewError("requests.error.email_required")
	}
	bad := i18n.NewError("requests.error.email_invalid")
	if len(s) > maxEmailLen || !singleLine(s) || strings.ContainsAny(s, " <>\"(),;:") {
		return "", bad
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != s {
		return "", bad
	}
	at := strings.LastIndexByte(s, '@')
	domain := s[at+1:]
	if at <= 0 || !strings.Contains(domain, ".") || strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") {
		return "", bad
	}
	return s, nil
}

// line checks a one-line text field: trimmed, printable, at most max
// characters.
func line(s string, required bool, max int, field string) (string, *i18n.Error) {
	s = strings.TrimSpace(s)
	if s == "" {
		if required {
			return "", i18n.NewError("requests.error." + field + "_required")
		}
		return "", nil
	}
	if !singleLine(s) {
		return "", ErrTextInvalid
	}
	if utf8.RuneCountInString(s) > max {
		return "", i18n.NewError("requests.error."+field+"_long", map[string]any{"Max": max})
	}
	return s, nil
}

// text checks a multi-line field: line breaks and tabs are allowed, other
// control characters are not; line ends become \n.
func text(s string, required bool, max int, field string) (string, *i18n.Error) {
	s = strings.TrimSpace(strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n"))
	if s == "" {
		if required {
			return "", i18n.NewError("requests.error." + field + "_required")
		}
		return "", nil
	}
	if !utf8.ValidString(s) || strings.ContainsFunc(s, func(r rune) bool {
		return unicode.IsControl(r) && r != '\n' && r != '\t'
	}) {
		return "", ErrTextInvalid
	}
	if utf8.RuneCountInString(s) > max {
		return "", i18n.NewError("requests.error."+field+"_long", map[string]any{"Max": max})
	}
	return s, nil
}

// checkText validates an agent's or a person's free text (notes, replies,
// reasons), with the given errors for empty and too long.
func checkText(s string, max int, required, long *i18n.Error) (string, error) {
	s = strings.TrimSpace(strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n"))
	if s == "" {
		if required != nil {
			return "", required
		}
		return "", nil
	}
	if !utf8.ValidString(s) || strings.ContainsFunc(s, func(r rune) bool {
		return unicode.IsControl(r) && r != '\n' && r != '\t'
	}) {
		return "", ErrTextInvalid
	}
	if utf8.RuneCountInString(s) > max {
		return "", long
	}
	return s, nil
}

// checkLine is checkText for one-line fields.
func checkLine(s string, max int, required, long *i18n.Error) (string, error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "" && required != nil:
		return "", required
	case !singleLine(s):
		return "", ErrTextInvalid
	case utf8.RuneCountInString(s) > max:
		return "", long
	}
	return s, nil
}

func singleLine(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsFunc(s, unicode.IsControl)
}

// callingCodes are the country codes of the regions whose national
// numbers are accepted without the +: a leading 0 is the trunk prefix.
var callingCodes = map[string]string{"FR": "33", "BE": "32", "NL": "31", "GB": "44", "UK": "44", "LU": "352", "CH": "41", "DE": "49", "ES": "34", "IT": "39"}

// normalizePhone turns a phone number into E.164 (+33612345678). Numbers
// in international form (+… or 00…) are accepted from anywhere; national
// numbers for the regions above and for North America (CA-*, US-*). It is
// deliberately lenient: the number is only used to call the person back.
func normalizePhone(s, region string) (string, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", true
	}
	if len(s) > 40 {
		return "", false
	}
	var b strings.Builder
	for i, c := range s {
		switch {
		case c >= '0' && c <= '9':
			b.WriteRune(c)
		case c == '+' && i == 0:
			b.WriteRune(c)
		case strings.ContainsRune(" -.()/", c):
		default:
			return "", false
		}
	}
	n := b.String()
	intl := func(digits string) (string, bool) {
		if len(digits) < 8 || len(digits) > 15 || digits[0] == '0' {
			return "", false
		}
		return "+" + digits, true
	}
	switch {
	case strings.HasPrefix(n, "+"):
		return intl(n[1:])
	case strings.HasPrefix(n, "00"):
		return intl(n[2:])
	}
	region = strings.ToUpper(strings.TrimSpace(region))
	country, _, _ := strings.Cut(region, "-")
	if country == "CA" || country == "US" {
		if len(n) == 11 && n[0] == '1' {
			n = n[1:]
		}
		if len(n) == 10 && n[0] >= '2' {
			return "+1" + n, true
		}
		return "", false
	}
	if cc, ok := callingCodes[country]; ok && len(n) >= 9 && len(n) <= 11 && n[0] == '0' && n[1] != '0' {
		return intl(cc + n[1:])
	}
	return "", false
}
