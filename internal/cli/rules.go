package cli

import (
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/rules"
)

// The rules commands read only the embedded rules and the operator's rules
// directory: they work without a database, before Garde is even set up.

func newRulesCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "rules",
		Short: "Show the laws Garde knows and compute request deadlines",
		Long: `Garde knows, as data, the data protection laws it answers requests under:
which requests each law recognises, how long the business has to answer,
how the days are counted and which public holidays move a deadline. Each
law cites its sources and says when it was last checked.

--rules-dir (or GARDE_RULES_DIR) names a directory of YAML files (kind: law or kind: calendar)
that replace the embedded law or calendar with the same id, or add new
ones. They are checked like the embedded files; errors give the file, the
line and the field.`,
		Example: `  garde rules list
  garde rules due --law gdpr --type access --received 2026-01-31 --establishment FR
  garde rules due --region US-CA --type erasure --received 2026-11-20
  garde rules holidays nl --year 2025`,
	}
	cmd.AddCommand(newRulesListCmd(e), newRulesDueCmd(e), newRulesHolidaysCmd(e))
	return cmd
}

func newRulesListCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List the laws Garde knows",
		Long: `List the laws Garde knows: id (for --law), name, the ISO 3166 regions whose
residents it protects, the date its facts were last checked, and how many
sources it cites.`,
		Example: "  garde rules list\n  garde rules list --rules-dir /etc/garde/rules",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			set, err := e.loadRules(cmd)
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(e.stdout, 2, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tNAME\tREGIONS\tAS OF\tSOURCES")
			for _, l := range set.Laws() {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\n", l.ID, l.Name(i18n.EN), strings.Join(l.Regions, ","), l.AsOf, len(l.Sources))
			}
			return tw.Flush()
		},
	}
}

func newRulesDueCmd(e *env) *cobra.Command {
	var lawID, region, typ, received, establishment, clockStart string
	var target int
	var pauses []string
	c := &cobra.Command{
		Use:   "due",
		Short: "Compute the deadlines of a request",
		Long: `Compute the deadlines of a request under a law: the due date, the date by
which receipt must be confirmed (when the law asks for it), the latest date
if the deadline is extended and the date by which the person must be told
of the extension.

Give the law with --law, or the person's country or region with --region
(ISO 3166: FR, GB, CA-QC, US-CA...). Public holidays follow where the
business is established (--establishment; by default the --region given):
under the GDPR, the holidays of the controller's Member State.

--target-days sets an internal target in calendar days; the due date shown
is the earlier of the target and the legal deadline. --pause FROM..TO stops
the clock between two dates, where the law allows it (UK clarifications).`,
		Example: `  garde rules due --law gdpr --type access --received 2026-01-31 --establishment FR
  garde rules due --region CA-QC --type access --received 2026-05-25
  garde rules due --law ccpa --type erasure --received 2026-11-20 --target-days 20
  garde rules due --law uk_gdpr --type access --received 2026-03-02 --pause 2026-03-05..2026-03-12`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cat := i18n.MustLoad()
			lz := cat.For(i18n.EN)
			if (lawID == "") == (region == "") {
				return fmt.Errorf("give either --law or --region")
			}
			if typ == "" || received == "" {
				return fmt.Errorf("--type and --received are required")
			}
			set, err := e.loadRules(cmd)
			if err != nil {
				return err
			}
			var law *rules.Law
			if lawID != "" {
				law, err = set.Lookup(lawID)
			} else {
				law, err = set.LookupRegion(region)
			}
			if err != nil {
				return localized(cat, err)
			}
			t, err := rules.ParseRequestType(typ)
			if err != nil {
				return localized(cat, err)
			}
			recv, err := rules.ParseDate(received)
			if err != nil {
				return localized(cat, err)
			}
			opts := rules.DueOptions{TargetDays: target, Region: establishment}
			if opts.Region == "" {
				opts.Region = region
			}
			if clockStart != "" {
				if opts.ClockStart, err = rules.ParseDate(clockStart); err != nil {
					return localized(cat, err)
				}
			}
			for _, p := range pauses {
				pause, err := parsePause(p)
				if err != nil {
					return localized(cat, err)
				}
				opts.Pauses = append(opts.Pauses, pause)
			}
			dl, err := law.Due(t, recv, opts)
			if err != nil {
				return localized(cat, err)
			}
			printDeadlines(e, lz, law, t, recv, dl, opts.Region)
			return nil
		},
	}
	c.Flags().StringVar(&lawID, "law", "", "law id, as in garde rules list")
	c.Flags().StringVar(&region, "region", "", "the person's country or region (ISO 3166), instead of --law")
	c.Flags().StringVar(&typ, "type", "", "request type: "+typeNames())
	c.Flags().StringVar(&received, "received", "", "day the request was received, YYYY-MM-DD")
	c.Flags().IntVar(&target, "target-days", 0, "internal target in calendar days (0: none)")
	c.Flags().StringVar(&establishment, "establishment", "", "country or region where the business is established; picks the public holidays")
	c.Flags().StringArrayVar(&pauses, "pause", nil, "clock stopped from one date to another, FROM..TO (repeatable)")
	c.Flags().StringVar(&clockStart, "clock-start", "", "day the last proof of identity or fee arrived, where the clock starts then (UK)")
	return c
}

func printDeadlines(e *env, lz *i18n.Localizer, law *rules.Law, t rules.RequestType, recv rules.Date, dl rules.Deadlines, region string) {
	tw := tabwriter.NewWriter(e.stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "Law:\t%s [%s], rules as of %s\n", law.Name(i18n.EN), law.ID, law.AsOf)
	fmt.Fprintf(tw, "Request:\t%s, received %s\n", lz.T(t.MessageID()), day(recv))
	if dl.Start != recv {
		fmt.Fprintf(tw, "Clock started:\t%s\n", day(dl.Start))
	}
	if dl.PausedDays > 0 {
		fmt.Fprintf(tw, "Paused:\t%d days\n", dl.PausedDays)
	}
	fmt.Fprintf(tw, "Due:\t%s\n", day(dl.Due))
	if dl.Legal != nil {
		fmt.Fprintf(tw, "Legal deadline:\t%s\n", day(*dl.Legal))
	} else {
		fmt.Fprintf(tw, "Legal deadline:\tnone set by the law\n")
	}
	if dl.Target != nil {
		fmt.Fprintf(tw, "Internal target:\t%s\n", day(*dl.Target))
	}
	if dl.Acknowledge != nil {
		fmt.Fprintf(tw, "Acknowledge by:\t%s\n", day(*dl.Acknowledge))
	} else {
		fmt.Fprintf(tw, "Acknowledge by:\tnot required\n")
	}
	if dl.ExtendedDue != nil {
		fmt.Fprintf(tw, "If extended:\t%s; tell the person by %s\n", day(*dl.ExtendedDue), day(*dl.ExtensionNoticeBy))
	} else {
		fmt.Fprintf(tw, "If extended:\tno extension allowed\n")
	}
	if cal := law.Calendar(region); cal != nil {
		fmt.Fprintf(tw, "Holidays:\t%s [%s]\n", cal.Name(i18n.EN), cal.ID)
	}
	tw.Flush()
	fmt.Fprintln(e.stdout, "How it is counted:")
	for _, s := range law.Describe(lz, t, region) {
		fmt.Fprintf(e.stdout, "  %s\n", s)
	}
}

func newRulesHolidaysCmd(e *env) *cobra.Command {
	var year int
	c := &cobra.Command{
		Use:   "holidays [CALENDAR]",
		Short: "List the public holidays of a calendar",
		Long: `List the public holidays of a calendar for a year, as Garde computes them to
move deadlines and count business days. Without a calendar id, list the
calendars.`,
		Example: "  garde rules holidays\n  garde rules holidays gb_ew --year 2027",
		Args:    cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			set, err := e.loadRules(cmd)
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(e.stdout, 2, 4, 2, ' ', 0)
			if len(args) == 0 {
				fmt.Fprintln(tw, "ID\tNAME\tAS OF")
				for _, c := range set.Calendars() {
					fmt.Fprintf(tw, "%s\t%s\t%s\n", c.ID, c.Name(i18n.EN), c.AsOf)
				}
				return tw.Flush()
			}
			cal, ok := set.Calendar(args[0])
			if !ok {
				return fmt.Errorf("no calendar has the id %q; see garde rules holidays", args[0])
			}
			if year == 0 {
				year = time.Now().Year()
			}
			if year < 1583 || year > 9999 {
				return fmt.Errorf("--year must be between 1583 and 9999")
			}
			for _, h := range cal.Holidays(year) {
				name := h.Name(i18n.EN)
				if h.Substitute {
					name += " (substitute day)"
				}
				fmt.Fprintf(tw, "%s\t%s\n", day(h.Date), name)
			}
			return tw.Flush()
		},
	}
	c.Flags().IntVar(&year, "year", 0, "year to list (default: the current year)")
	return c
}

// day writes a date with its weekday, which is what people check first.
func day(d rules.Date) string {
	return d.String() + " (" + d.Weekday().String() + ")"
}

// parsePause reads FROM..TO.
func parsePause(s string) (rules.Pause, error) {
	from, to, ok := strings.Cut(s, "..")
	if !ok {
		return rules.Pause{}, i18n.NewError(rules.ErrInvalidDate, map[string]any{"Value": s})
	}
	f, err := rules.ParseDate(strings.TrimSpace(from))
	if err != nil {
		return rules.Pause{}, err
	}
	t, err := rules.ParseDate(strings.TrimSpace(to))
	if err != nil {
		return rules.Pause{}, err
	}
	return rules.Pause{From: f, To: t}, nil
}

func typeNames() string {
	var s []string
	for _, t := range rules.RequestTypes {
		s = append(s, string(t))
	}
	return strings.Join(s, ", ")
}

// loadRules loads the embedded laws plus the operator's overrides named by
// the rules_dir setting; the rules commands need no database.
func (e *env) loadRules(cmd *cobra.Command) (*rules.Set, error) {
	cfg, err := e.loadConfig(cmd)
	if err != nil {
		return nil, err
	}
	return rules.Load(cfg.RulesDir)
}
