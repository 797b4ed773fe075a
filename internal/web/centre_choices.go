package web

import (
	"strings"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"github.com/garde-privacy/garde/internal/requests"
)

// centreRegionGroups are the places of residence the form offers, by
// group; the region picks the law the request is handled under. Codes are
// ISO 3166 (GB for the United Kingdom). "US" (another state) and "ZZ"
// (another country) have no law of their own: the request service takes
// them when the business set a fallback, and says so clearly otherwise.
var centreRegionGroups = []struct {
	labelID string
	codes   []string
	// last stays at the end of its group whatever the language's order.
	last string
}{
	{"centre.region.group.canada", []string{
		"CA-AB", "CA-BC", "CA-MB", "CA-NB", "CA-NL", "CA-NS", "CA-NT", "CA-NU", "CA-ON", "CA-PE", "CA-QC", "CA-SK", "CA-YT",
	}, ""},
	{"centre.region.group.europe", []string{
		"AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IS", "IE", "IT", "LV", "LI",
		"LT", "LU", "MT", "NL", "NO", "PL", "PT", "RO", "SK", "SI", "ES", "SE", "GB",
	}, ""},
	{"centre.region.group.us", []string{"US-CA", "US-CO", "US-CT", "US-TX", "US-VA", "US"}, "US"},
	{"centre.region.group.other", []string{"BR", "ZZ"}, "ZZ"},
}

// centreRegionID is the catalog ID of a region's name: CA-QC → centre.region.ca_qc.
func centreRegionID(code string) string {
	return "centre.region." + strings.ToLower(strings.ReplaceAll(code, "-", "_"))
}

type centreOption struct {
	Value, Label string
	Selected     bool
}

type centreOptGroup struct {
	Label   string
	Options []centreOption
}

// centreRegions lists the regions in the page's language, each group in
// that language's alphabetical order, with picked selected.
func centreRegions(p *page, picked string) []centreOptGroup {
	col := collate.New(language.Make(string(p.Lang)), collate.Loose)
	out := make([]centreOptGroup, 0, len(centreRegionGroups))
	for _, g := range centreRegionGroups {
		grp := centreOptGroup{Label: p.T(g.labelID)}
		var tail *centreOption
		for _, code := range g.codes {
			o := centreOption{Value: code, Label: p.T(centreRegionID(code)), Selected: strings.EqualFold(code, picked)}
			if code == g.last {
				tail = &o
				continue
			}
			grp.Options = append(grp.Options, o)
		}
		sortOptions(col, grp.Options)
		if tail != nil {
			grp.Options = append(grp.Options, *tail)
		}
		out = append(out, grp)
	}
	return out
}

func sortOptions(col *collate.Collator, opts []centreOption) {
	// Insertion sort: the groups are short and the order must be stable.
	for i := 1; i < len(opts); i++ {
		for j := i; j > 0 && col.CompareString(opts[j-1].Label, opts[j].Label) > 0; j-- {
			opts[j-1], opts[j] = opts[j], opts[j-1]
		}
	}
}

// centreTypeChoice is one radio of the request type, with its plain
// explanation.
type centreTypeChoice struct {
	ID, Value, Label, Help string
	Checked                bool
}

// centreTypes lists the request types the form offers.
func centreTypes(p *page, picked string) []centreTypeChoice {
	out := make([]centreTypeChoice, 0, len(requests.Types))
	for _, t := range requests.Types {
		out = append(out, centreTypeChoice{
			ID:      "req-type-" + strings.ReplaceAll(string(t), "_", "-"),
			Value:   string(t),
			Label:   p.T(t.LabelID()),
			Help:    p.T("requests.type_help." + string(t)),
			Checked: string(t) == picked,
		})
	}
	return out
}
