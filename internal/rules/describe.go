package rules

import "github.com/garde-privacy/garde/internal/i18n"

// DescribePeriod writes a period in lz's language ("1 calendar month").
func DescribePeriod(lz *i18n.Localizer, p Period) string {
	return lz.T("rules.unit."+string(p.Unit), map[string]any{"Count": p.Amount})
}

// Describe explains in lz's language how the deadlines of a request of type
// t are counted, one sentence per line, for pages and the command line.
// region picks the calendar as in DueOptions.Region.
func (l *Law) Describe(lz *i18n.Localizer, t RequestType, region string) []string {
	r, ok := l.rules[t]
	if !ok {
		return nil
	}
	var out []string
	if r.Deadline == nil {
		return append(out, lz.T("rules.deadline.none"))
	}
	id := "rules.deadline.from_receipt"
	if r.Start == StartLatestOfReceiptIdentityFee {
		id = "rules.deadline.from_clock_start"
	}
	out = append(out, lz.T(id, map[string]any{"Period": DescribePeriod(lz, *r.Deadline)}))
	if l.OnClosedDay == NextOpenDay {
		name := ""
		if cal := l.Calendar(region); cal != nil {
			name = cal.Name(lz.Lang)
		}
		out = append(out, lz.T("rules.closed_day.next_open_day", map[string]any{"Calendar": name}))
	} else if r.Deadline.Unit != BusinessDays {
		out = append(out, lz.T("rules.closed_day.stay"))
	}
	if r.Acknowledge != nil {
		out = append(out, lz.T("rules.acknowledge", map[string]any{"Period": DescribePeriod(lz, *r.Acknowledge)}))
	}
	if r.Extension != nil {
		out = append(out, lz.T("rules.extension.allowed", map[string]any{
			"Period": DescribePeriod(lz, r.Extension.Period),
			"Notify": DescribePeriod(lz, r.Extension.NotifyWithin),
		}))
	} else {
		out = append(out, lz.T("rules.extension.none"))
	}
	if r.Pausable {
		out = append(out, lz.T("rules.pausable"))
	}
	return out
}
