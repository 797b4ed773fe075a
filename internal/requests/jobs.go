package requests

import (
	"context"
	"errors"
	"time"

	"github.com/riverqueue/river"

	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/jobs"
)

// ExpireArgs expires a request still unverified at the end of its
// verification period; inserted with the request, scheduled for then.
type ExpireArgs struct {
	RequestID string `json:"request_id"`
}

// Kind is the job's stable name.
func (ExpireArgs) Kind() string { return "requests_expire" }

// ReminderArgs reminds the agents of a due date. Reminders are inserted
// when the due date is fixed (verification, extension); one whose due date
// no longer matches the request's does nothing.
type ReminderArgs struct {
	RequestID string `json:"request_id"`
	Due       string `json:"due"` // YYYY-MM-DD
	// DaysLeft is 7 or 2 before the due date, -1 the day after it.
	DaysLeft int `json:"days_left"`
}

// Kind is the job's stable name.
func (ReminderArgs) Kind() string { return "requests_reminder" }

// RetentionArgs runs the retention purge.
type RetentionArgs struct{}

// Kind is the job's stable name.
func (RetentionArgs) Kind() string { return "requests_retention" }

// reminderDays are when agents hear about a due date: a week and two
// days before, and the day after when it was missed.
var reminderDays = []int{7, 2, -1}

// reminderHour is the time of day (UTC) reminders go out.
const reminderHour = 7

func (s *Service) registerWorkers() {
	jobs.Register(s.queue, &expireWorker{s: s})
	jobs.Register(s.queue, &reminderWorker{s: s})
	jobs.Register(s.queue, &retentionWorker{s: s})
}

// PeriodicJobs are the service's daily jobs. The application adds them to
// a queue that works jobs:
//
//	q.Client().PeriodicJobs().AddMany(svc.PeriodicJobs())
func (s *Service) PeriodicJobs() []*river.PeriodicJob {
	return []*river.PeriodicJob{
		river.NewPeriodicJob(river.PeriodicInterval(24*time.Hour), func() (river.JobArgs, *river.InsertOpts) {
			return RetentionArgs{}, nil
		}, &river.PeriodicJobOpts{ID: "requests_retention", RunOnStart: true}),
	}
}

// scheduleReminders inserts the reminders of r's current due date.
func (s *Service) scheduleReminders(ctx context.Context, tx *db.Tx, r *Request) error {
	now := s.now()
	for _, days := range reminderDays {
		at := r.DueDate.AddDate(0, 0, -days).Add(reminderHour * time.Hour)
		if !at.After(now) {
			continue
		}
		args := ReminderArgs{RequestID: r.ID, Due: r.DueDate.Format("2006-01-02"), DaysLeft: days}
		if _, err := s.queue.InsertTx(ctx, tx, args, &river.InsertOpts{ScheduledAt: at}); err != nil {
			return err
		}
	}
	return nil
}

// remind emails the assignee (every agent when nobody holds the request)
// about a due date, if the request is still open and still due then.
func (s *Service) remind(ctx context.Context, a ReminderArgs) error {
	agents, err := s.operators.List(ctx)
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		r, err := s.store.GetRequest(ctx, tx, a.RequestID)
		if errors.Is(err, ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if !r.Open() || r.PurgedAt != nil || r.DueDate.Format("2006-01-02") != a.Due {
			return nil
		}
		for _, o := range recipients(agents, r.AssigneeID) {
			if err := s.mail(ctx, tx, r, o.Email, s.langOf(o), TemplateReminder, map[string]any{
				"Reference": r.Reference, "Type": string(r.Type), "DueDate": r.DueDate,
				"DaysLeft": a.DaysLeft, "Overdue": a.DaysLeft < 0, "RequestURL": s.RequestURL(r.ID),
			}, "agent"); err != nil {
				return err
			}
		}
		return nil
	})
}

type expireWorker struct {
	river.WorkerDefaults[ExpireArgs]
	s *Service
}

func (w *expireWorker) Work(ctx context.Context, job *river.Job[ExpireArgs]) error {
	wait, err := w.s.expire(ctx, job.Args.RequestID)
	if err != nil {
		return err
	}
	if wait > 0 {
		return river.JobSnooze(wait)
	}
	return nil
}

type reminderWorker struct {
	river.WorkerDefaults[ReminderArgs]
	s *Service
}

func (w *reminderWorker) Work(ctx context.Context, job *river.Job[ReminderArgs]) error {
	return w.s.remind(ctx, job.Args)
}

type retentionWorker struct {
	river.WorkerDefaults[RetentionArgs]
	s *Service
}

func (w *retentionWorker) Work(ctx context.Context, job *river.Job[RetentionArgs]) error {
	// Files whose delivery ended after the request did go first: the
	// closure rules apply to them again.
	files, err := w.s.DropExpiredDeliveries(ctx)
	if files > 0 {
		w.s.log.Info("requests: expired deliveries", "files_deleted", files)
	}
	if err != nil {
		return err
	}
	n, err := w.s.PurgeExpired(ctx)
	if n > 0 {
		w.s.log.Info("requests: retention purge", "purged", n)
	}
	return err
}
