package breach

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/jobs"
	gmail "github.com/garde-privacy/garde/internal/mail"
)

// RetentionArgs purges the register entries kept past their retention.
type RetentionArgs struct{}

// Kind is the job's stable name.
func (RetentionArgs) Kind() string { return "breach_retention" }

// ReminderArgs looks for notification deadlines coming or passed.
type ReminderArgs struct{}

// Kind is the job's stable name.
func (ReminderArgs) Kind() string { return "breach_reminders" }

// ReminderWindow is how long before a fixed deadline the contact person
// is reminded; a deadline passed unmet brings a second, last reminder.
const ReminderWindow = 24 * time.Hour

// TemplateReminder is the email reminding the contact person of a deadline.
const TemplateReminder = "breach_reminder"

func init() {
	gmail.Register(TemplateReminder, gmail.Spec{
		Subject:    "breach.mail.reminder.subject",
		Paragraphs: []string{"breach.mail.reminder.due", "breach.mail.reminder.what"},
		Required:   []string{"Reference", "Recipient", "Due"},
	}.Render)
	gmail.Register(TemplateReminder+"_overdue", gmail.Spec{
		Subject:    "breach.mail.overdue.subject",
		Paragraphs: []string{"breach.mail.overdue.due", "breach.mail.reminder.what"},
		Required:   []string{"Reference", "Recipient", "Due"},
	}.Render)
}

func (s *Service) registerWorkers(q *jobs.Queue) {
	jobs.Register(q, &retentionWorker{s: s})
	jobs.Register(q, &reminderWorker{s: s})
}

// PeriodicJobs are the register's recurring jobs, for a queue that works
// jobs: the retention purge daily, the deadline reminders every 15 minutes
// (a 72-hour clock leaves no time for a daily check).
func (s *Service) PeriodicJobs() []*river.PeriodicJob {
	return []*river.PeriodicJob{
		river.NewPeriodicJob(river.PeriodicInterval(24*time.Hour), func() (river.JobArgs, *river.InsertOpts) {
			return RetentionArgs{}, nil
		}, &river.PeriodicJobOpts{ID: "breach_retention", RunOnStart: true}),
		river.NewPeriodicJob(river.PeriodicInterval(15*time.Minute), func() (river.JobArgs, *river.InsertOpts) {
			return ReminderArgs{}, nil
		}, &river.PeriodicJobOpts{ID: "breach_reminders", RunOnStart: true}),
	}
}

type retentionWorker struct {
	river.WorkerDefaults[RetentionArgs]
	s *Service
}

func (w *retentionWorker) Work(ctx context.Context, _ *river.Job[RetentionArgs]) error {
	n, err := w.s.Purge(ctx)
	if n > 0 {
		w.s.log.Info("breach: register entries purged after their retention", "count", n)
	}
	return err
}

type reminderWorker struct {
	river.WorkerDefaults[ReminderArgs]
	s *Service
}

func (w *reminderWorker) Work(ctx context.Context, _ *river.Job[ReminderArgs]) error {
	_, err := w.s.Remind(ctx)
	return err
}

// Purge deletes the closed incidents whose retention ended before today,
// each with an audit entry that keeps its reference. Open incidents, and
// incidents no law fixes a retention for, are never purged.
func (s *Service) Purge(ctx context.Context) (int, error) {
	today := s.Now().Truncate(24 * time.Hour)
	rows, err := s.db.Query(ctx, `SELECT id FROM breaches WHERE state = ? AND retain_until IS NOT NULL AND retain_until < ?
		ORDER BY retain_until LIMIT 500`, string(StateClosed), today)
	if err != nil {
		return 0, fmt.Errorf("breach: purge: %w", err)
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	n := 0
	for _, id := range ids {
		err := s.db.InTx(ctx, func(tx *db.Tx) error {
			inc, err := s.store.GetIncident(ctx, tx, id)
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `DELETE FROM breaches WHERE id = ?`, id); err != nil {
				return err
			}
			return s.record(ctx, tx, "system", "breach.purged", inc, map[string]any{"retain_until": inc.RetainUntil.Format(time.DateOnly)})
		})
		if err != nil {
			return n, fmt.Errorf("breach: purge %s: %w", id, err)
		}
		n++
	}
	return n, nil
}

// Remind emails the contact person of each open incident once when a fixed
// deadline is less than ReminderWindow away, and once more when it passed
// unmet; each reminder goes on the timeline, which is also how it is sent
// only once.
func (s *Service) Remind(ctx context.Context) (int, error) {
	if s.outbox == nil {
		return 0, nil
	}
	list, err := s.List(ctx, StateOpen)
	if err != nil {
		return 0, err
	}
	now := s.Now()
	sent := 0
	for _, m := range list {
		for _, o := range m.Obligations {
			c := o.Clock
			if c.Due == nil || (c.State != ClockRunning && c.State != ClockOverdue) || c.Due.Sub(now) > ReminderWindow {
				continue
			}
			kind := "due_soon"
			if c.State == ClockOverdue {
				kind = "overdue"
			}
			ok, err := s.remind(ctx, m.Incident.ID, o, kind)
			if err != nil {
				return sent, err
			}
			if ok {
				sent++
			}
		}
	}
	return sent, nil
}

// remind sends one reminder unless the timeline already holds it.
func (s *Service) remind(ctx context.Context, id string, o Obligation, kind string) (bool, error) {
	due := o.Clock.Due.UTC().Format(time.RFC3339)
	sent := false
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		inc, err := s.store.GetIncident(ctx, tx, id)
		if err != nil {
			return err
		}
		events, err := s.store.ListEvents(ctx, tx, id)
		if err != nil {
			return err
		}
		for _, e := range events {
			if e.Kind == EventReminded && e.Data["obligation"] == o.Key && e.Data["due"] == due && e.Data["reminder"] == kind {
				return nil
			}
		}
		lang := s.staff
		recipient := o.Authority.Name
		if o.Notice.Audience == ToPersons {
			recipient = s.cat.For(lang).T("breach.draft.persons_of", map[string]any{"Law": o.Law.Name(lang)})
		}
		tpl := TemplateReminder
		if kind == "overdue" {
			tpl += "_overdue"
		}
		if _, err := s.outbox.Enqueue(ctx, tx, gmail.Message{To: inc.Facts.ContactEmail, Lang: lang, Template: tpl,
			Data: map[string]any{"Reference": inc.Reference, "Recipient": recipient, "Due": o.Clock.Due.In(s.loc).Format("2006-01-02 15:04 MST"),
				"Title": inc.Facts.Title}}); err != nil {
			return err
		}
		data := map[string]any{"obligation": o.Key, "due": due, "reminder": kind}
		if err := s.event(ctx, tx, inc, &Event{Kind: EventReminded, Data: data}, "system"); err != nil {
			return err
		}
		sent = true
		return s.record(ctx, tx, "system", "breach.reminded", inc, data)
	})
	return sent, err
}
