package api

import (
	"errors"
	"regexp"
	"strings"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/validation"
)

// huma reports each invalid part of a request with an English sentence
// built from a format in its validation package. detailRules maps those
// formats (and huma's fixed parameter messages) to catalog IDs, so clients
// read details in their language. A sentence no rule knows is passed on as is.
var detailRules = []struct {
	format string // huma's format; its one verb, if any, becomes {{.Value}}
	id     string
}{
	{validation.MsgExpectedRequiredProperty, "api.detail.required"},
	{"required query parameter is missing", "api.detail.required"},
	{"required path parameter is missing", "api.detail.required"},
	{"required header parameter is missing", "api.detail.required"},
	{"required cookie parameter is missing", "api.detail.required"},
	{validation.MsgUnexpectedProperty, "api.detail.unexpected_property"},
	{"unknown query parameter", "api.detail.unknown_parameter"},
	{"expected at most one value, but received multiple values", "api.detail.multiple_values"},
	{validation.MsgExpectedBoolean, "api.detail.boolean"},
	{"invalid boolean", "api.detail.boolean"},
	{validation.MsgExpectedInteger, "api.detail.integer"},
	{"invalid integer", "api.detail.integer"},
	{validation.MsgExpectedNumber, "api.detail.number"},
	{"invalid float", "api.detail.number"},
	{"invalid floating value", "api.detail.number"},
	{validation.MsgExpectedString, "api.detail.string"},
	{validation.MsgExpectedArray, "api.detail.array"},
	{validation.MsgExpectedObject, "api.detail.object"},
	{validation.MsgExpectedOneOf, "api.detail.one_of"},
	{validation.MsgExpectedMinimumNumber, "api.detail.minimum"},
	{validation.MsgExpectedExclusiveMinimumNumber, "api.detail.exclusive_minimum"},
	{validation.MsgExpectedMaximumNumber, "api.detail.maximum"},
	{validation.MsgExpectedExclusiveMaximumNumber, "api.detail.exclusive_maximum"},
	{validation.MsgExpectedMinLength, "api.detail.min_length"},
	{validation.MsgExpectedMaxLength, "api.detail.max_length"},
	{validation.MsgExpectedMinItems, "api.detail.min_items"},
	{validation.MsgExpectedMaxItems, "api.detail.max_items"},
	{validation.MsgExpectedRFC5322Email, "api.detail.email"},
	{validation.MsgExpectedRFC3339DateTime, "api.detail.date_time"},
	{"invalid date/time for format %s", "api.detail.date_time"},
	{validation.MsgExpectedRFC3339Date, "api.detail.date"},
	{validation.MsgExpectedRFC4122UUID, "api.detail.uuid"},
	{validation.MsgExpectedRFC3986URI, "api.detail.uri"},
	{validation.MsgExpectedMatchPattern, "api.detail.pattern"},
	{validation.MsgExpectedBePattern, "api.detail.pattern"},
}

type detailMatcher struct {
	re *regexp.Regexp
	id string
}

var detailMatchers = compileDetailRules()

var verb = regexp.MustCompile(`%[vds]`)

func compileDetailRules() []detailMatcher {
	out := make([]detailMatcher, 0, len(detailRules))
	for _, r := range detailRules {
		parts := verb.Split(r.format, -1)
		for i := range parts {
			parts[i] = regexp.QuoteMeta(parts[i])
		}
		out = append(out, detailMatcher{re: regexp.MustCompile("^" + strings.Join(parts, "(.*)") + "$"), id: r.id})
	}
	return out
}

// detailFromHuma converts one of huma's error details.
func detailFromHuma(err error) ErrorDetail {
	var hd *huma.ErrorDetail
	if !errors.As(err, &hd) {
		return ErrorDetail{Message: err.Error()}
	}
	// The offending value is not echoed back: it may be a secret.
	d := ErrorDetail{Location: hd.Location, Message: hd.Message}
	for _, m := range detailMatchers {
		sub := m.re.FindStringSubmatch(hd.Message)
		if sub == nil {
			continue
		}
		d.msgID = m.id
		if len(sub) > 1 {
			d.data = map[string]any{"Value": sub[1]}
		}
		if m.id == "api.detail.required" && len(sub) > 1 && strings.HasPrefix(hd.Message, "expected required property") {
			// huma places a missing property at its parent object; point at
			// the property itself (body.email rather than body).
			d.Location = joinLocation(hd.Location, sub[1])
		}
		break
	}
	return d
}

func joinLocation(parent, name string) string {
	if parent == "" {
		return name
	}
	return parent + "." + name
}
