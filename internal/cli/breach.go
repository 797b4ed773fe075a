package cli

import (
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/garde-privacy/garde/internal/breach"
)

// The breach commands read the embedded breach laws and the rules
// calendars only: they work without a database.

func newBreachCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "breach",
		Short: "Show the breach notification laws and compute their deadlines",
		Long: `Garde's breach register knows, as data, which authorities and people must
hear of a personal data breach under each law, by when, and how long the
register keeps it. These commands show those rules and compute the
deadlines of an incident without touching the database.`,
		Example: `  garde breach laws
  garde breach deadlines --aware 2026-11-27T16:00 --timezone America/Toronto --residents CA-QC=500,FR=400,CA-ON=300`,
	}
	cmd.AddCommand(newBreachLawsCmd(e), newBreachDeadlinesCmd(e))
	return cmd
}

func newBreachLawsCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "laws",
		Short: "List the breach notification laws",
		Long: `List the breach laws: id, the ISO 3166 regions whose residents they protect,
each notice (authority or persons) with its deadline and threshold, the
register's retention in months (0: none fixed by the law) and the date the
facts were last checked.`,
		Example: "  garde breach laws",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			laws, err := e.breachLaws(cmd)
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(e.stdout, 2, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tREGIONS\tNOTICES\tRETENTION\tAS OF")
			for _, l := range laws.All() {
				var notices []string
				for _, n := range l.Notices {
					s := string(n.Audience) + " " + deadlineWords(n.Deadline)
					if n.MinResidents > 0 {
						s += fmt.Sprintf(" (from %d residents)", n.MinResidents)
					}
					notices = append(notices, s)
				}
				regions := strings.Join(l.Regions, ",")
				if len(l.Regions) > 6 {
					regions = strings.Join(l.Regions[:6], ",") + fmt.Sprintf(",… (%d)", len(l.Regions))
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\n", l.ID, regions, strings.Join(notices, "; "), l.Register.RetentionMonths, l.AsOf)
			}
			return tw.Flush()
		},
	}
}

func deadlineWords(d breach.Deadline) string {
	s := strings.ReplaceAll(string(d.Kind), "_", " ")
	if d.Fixed() {
		s = strconv.Itoa(d.Amount) + " " + s
	}
	if d.From == breach.FromPersonsNotified {
		s += " after the persons' notice"
	}
	return s
}

func newBreachDeadlinesCmd(e *env) *cobra.Command {
	var aware, zone, residents string
	c := &cobra.Command{
		Use:   "deadlines",
		Short: "Compute the notification deadlines of an incident",
		Long: `Compute the notifications an incident may require and their deadlines, as if
every law's assessment found the risk that requires notifying (the register
asks for the real assessment). --aware is when the business became aware,
on the clock of --timezone; --residents counts the persons concerned by
region of residence (ISO 3166), which picks the laws.`,
		Example: `  garde breach deadlines --aware 2026-11-27T16:00 --timezone America/Toronto --residents CA-QC=500,FR=400,CA-ON=300
  garde breach deadlines --aware 2026-03-01T23:30 --timezone America/Los_Angeles --residents US-CA=600,US-TX=100`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			laws, err := e.breachLaws(cmd)
			if err != nil {
				return err
			}
			set, err := e.loadRules(cmd)
			if err != nil {
				return err
			}
			loc, err := time.LoadLocation(zone)
			if err != nil {
				return fmt.Errorf("--timezone: %w", err)
			}
			at, err := time.ParseInLocation("2006-01-02T15:04", aware, loc)
			if err != nil {
				return fmt.Errorf("--aware: write the time as 2026-11-27T16:00")
			}
			inc := &breach.Incident{Facts: breach.Facts{AwareAt: at, Residents: map[string]int{}}, Assessments: map[string]breach.Assessment{}}
			for _, part := range strings.Split(residents, ",") {
				region, n, ok := strings.Cut(strings.TrimSpace(part), "=")
				count, err := strconv.Atoi(n)
				if !ok || err != nil || count < 0 {
					return fmt.Errorf("--residents: write REGION=COUNT pairs separated by commas, such as CA-QC=500,FR=400")
				}
				inc.Facts.Residents[strings.ToUpper(region)] += count
			}
			for _, l := range laws.All() {
				inc.Assessments[l.ID] = breach.Assessment{LawID: l.ID, Level: l.Assessment.Levels[len(l.Assessment.Levels)-1]}
			}
			obs := breach.Obligations(inc, laws, set, nil, at, loc)
			if len(obs) == 0 {
				return fmt.Errorf("no breach law known for these regions")
			}
			tw := tabwriter.NewWriter(e.stdout, 2, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "NOTICE\tTO\tRESIDENTS\tDEADLINE\tDUE")
			for _, o := range obs {
				to := o.Authority.Name
				if o.Notice.Audience == breach.ToPersons {
					to = "the persons concerned"
				}
				due := "—"
				switch {
				case o.Status == breach.StatusBelowThreshold:
					due = fmt.Sprintf("not required (fewer than %d residents)", o.Notice.MinResidents)
				case o.Clock.Due != nil:
					due = o.Clock.Due.In(loc).Format("2006-01-02 15:04 MST")
				case o.Clock.State == breach.ClockPending:
					due = "counted from the persons' notice"
				}
				fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\n", o.Key, to, o.Residents, deadlineWords(o.Notice.Deadline), due)
			}
			return tw.Flush()
		},
	}
	c.Flags().StringVar(&aware, "aware", "", "when the business became aware: 2026-11-27T16:00 (required)")
	c.Flags().StringVar(&zone, "timezone", "UTC", "the business's time zone (IANA name)")
	c.Flags().StringVar(&residents, "residents", "", "persons by region: CA-QC=500,FR=400 (required)")
	_ = c.MarkFlagRequired("aware")
	_ = c.MarkFlagRequired("residents")
	return c
}

func (e *env) breachLaws(cmd *cobra.Command) (*breach.Laws, error) {
	set, err := e.loadRules(cmd)
	if err != nil {
		return nil, err
	}
	return breach.LoadLaws(set)
}
