package breach

import (
	"bytes"
	"embed"
	"html/template"
	"sort"
	"strings"
	"time"

	"github.com/garde-privacy/garde/internal/i18n"
)

//go:embed templates/register.html
var registerFiles embed.FS

var registerTemplate = template.Must(template.ParseFS(registerFiles, "templates/register.html"))

type registerRow struct{ Label, Value string }

type registerEntry struct {
	Reference, Title string
	Rows             []registerRow
}

// RegisterHTML writes the register as a standalone page in lz's language,
// one entry per incident with the facts the laws ask a register to hold
// (GDPR Art. 33(5), PIPEDA Regulations s. 6, Quebec Regulation s. 7), for
// printing to PDF.
func (s *Service) RegisterHTML(lz *i18n.Localizer, views []*View) (string, error) {
	t := func(id string, kv ...any) string {
		data := map[string]any{}
		for i := 0; i+1 < len(kv); i += 2 {
			data[kv[i].(string)] = kv[i+1]
		}
		return lz.T(id, data)
	}
	when := func(at *time.Time) string {
		if at == nil || at.IsZero() {
			return "—"
		}
		return at.In(s.loc).Format("2006-01-02 15:04 MST")
	}
	var entries []registerEntry
	for _, v := range views {
		inc, f := v.Incident, &v.Incident.Facts
		var cats, res, assess, sent []string
		for _, c := range f.Categories {
			cats = append(cats, t("breach.category."+c))
		}
		for _, r := range sortedKeys(f.Residents) {
			res = append(res, r+" "+FormatNumber(lz.Lang, f.Residents[r]))
		}
		for _, law := range sortedKeys(inc.Assessments) {
			a := inc.Assessments[law]
			name := law
			if l, ok := s.laws.Law(law); ok {
				name = l.Name(lz.Lang)
			}
			assess = append(assess, t("breach.draft.factor", "Factor", name, "Rating", t("breach.level."+a.Level))+"\n"+a.Reasoning)
		}
		for _, n := range v.Notifications {
			line := n.Obligation + " — " + when(&n.SentAt)
			if n.Reference != "" {
				line += " — " + n.Reference
			}
			sent = append(sent, line)
		}
		sort.Strings(sent)
		occurred := when(&f.OccurredAt)
		if f.OccurredUntil != nil {
			occurred += " – " + when(f.OccurredUntil)
		}
		aware := f.AwareAt
		// The retention ends on a civil date, the same everywhere.
		retain := "—"
		if inc.RetainUntil != nil {
			retain = inc.RetainUntil.UTC().Format(time.DateOnly)
		}
		rows := []registerRow{
			{t("breach.web.csv.state"), t("breach.state." + string(inc.State))},
			{t("breach.web.csv.occurred_at"), occurred},
			{t("breach.web.csv.aware_at"), when(&aware)},
			{t("breach.web.csv.description"), join(f.Description, labelled(t("breach.draft.cause"), f.Cause))},
			{t("breach.web.csv.categories"), strings.Join(cats, ", ")},
			{t("breach.web.csv.persons"), FormatNumber(lz.Lang, f.Persons)},
			{t("breach.web.csv.residents"), strings.Join(res, ", ")},
			{t("breach.web.csv.consequences"), f.Consequences},
			{t("breach.web.csv.measures"), f.Measures},
			{t("breach.web.csv.assessments"), strings.Join(assess, "\n\n")},
			{t("breach.web.csv.notifications"), strings.Join(sent, "\n")},
			{t("breach.web.csv.closed_at"), when(inc.ClosedAt)},
			{t("breach.web.csv.retain_until"), retain},
		}
		entries = append(entries, registerEntry{Reference: inc.Reference, Title: f.Title, Rows: rows})
	}
	var b bytes.Buffer
	err := registerTemplate.Execute(&b, map[string]any{
		"Lang": string(lz.Lang), "Title": t("breach.web.list.title"), "Org": s.org,
		"Generated": s.Now().In(s.loc).Format("2006-01-02 15:04 MST"), "Entries": entries, "Empty": t("breach.web.list.empty"),
	})
	return b.String(), err
}
