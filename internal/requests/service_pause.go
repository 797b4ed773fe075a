package requests

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/i18n"
)

// Errors of clarification pauses.
var (
	ErrPauseNotAllowed = i18n.NewError("requests.error.pause_not_allowed")
	ErrPaused          = i18n.NewError("requests.error.already_paused")
	ErrNotPaused       = i18n.NewError("requests.error.not_paused")
)

// Pause is a time the clock of a request stood still while the business
// waited for the person to clarify their request (UK GDPR). Dates are civil
// dates; To is nil while the clock is stopped.
type Pause struct {
	ID        string
	From      time.Time
	To        *time.Time
	Question  string // what the agent asked; emptied by the retention purge
	PausedBy  string // audit actors
	ResumedBy string
}

// Pausable reports whether the law of r lets the clock stop while the
// business waits for a clarification.
func (s *Service) Pausable(r *Request) bool { return s.deadlines.Pausable(r.LawID, r.Type) }

// Pauses lists a request's pauses, oldest first.
func (s *Service) Pauses(ctx context.Context, requestID string) ([]Pause, error) {
	cid, ok := canonicalID(requestID)
	if !ok {
		return nil, ErrNotFound
	}
	return s.listPauses(ctx, s.db, cid)
}

func (s *Service) listPauses(ctx context.Context, q Querier, requestID string) ([]Pause, error) {
	rows, err := q.Query(ctx, `SELECT id, paused_on, resumed_on, question, paused_by, resumed_by
		FROM request_pauses WHERE request_id = ? ORDER BY paused_on, created_at, id`, requestID)
	if err != nil {
		return nil, fmt.Errorf("requests: pauses: %w", err)
	}
	defer rows.Close()
	var out []Pause
	for rows.Next() {
		var p Pause
		var to sql.NullTime
		if err := rows.Scan(&p.ID, &p.From, &to, &p.Question, &p.PausedBy, &p.ResumedBy); err != nil {
			return nil, fmt.Errorf("requests: pauses: %w", err)
		}
		p.From = civil(p.From)
		if to.Valid {
			t := civil(to.Time)
			p.To = &t
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// Paused reports whether the clock of the request is stopped now.
func (s *Service) Paused(ctx context.Context, requestID string) (bool, error) {
	ps, err := s.Pauses(ctx, requestID)
	if err != nil {
		return false, err
	}
	return openPause(ps) != nil, nil
}

func openPause(ps []Pause) *Pause {
	for i := range ps {
		if ps[i].To == nil {
			return &ps[i]
		}
	}
	return nil
}

// spans turns pauses into the spans the rules count, an open pause
// ending on until.
func spans(ps []Pause, until time.Time) []Span {
	out := make([]Span, 0, len(ps))
	for _, p := range ps {
		to := until
		if p.To != nil {
			to = *p.To
		}
		out = append(out, Span{From: p.From, To: to})
	}
	return out
}

// PauseForClarification stops the clock of a request whose law allows it
// and emails the person, in their language, the agent's question. The
// due date moves when the answer arrives (ResumeAfterClarification).
func (s *Service) PauseForClarification(ctx context.Context, actor Actor, id, question string) error {
	question, err := checkText(question, MaxBodyLen, ErrBodyRequired, ErrBodyLong)
	if err != nil {
		return err
	}
	k, err := s.keys(ctx)
	if err != nil {
		return err
	}
	return s.change(ctx, actor, id, func(tx *db.Tx, r *Request) error {
		if !r.Open() || r.VerifiedAt == nil {
			return ErrClosed
		}
		if !s.Pausable(r) {
			return ErrPauseNotAllowed
		}
		ps, err := s.listPauses(ctx, tx, r.ID)
		if err != nil {
			return err
		}
		if openPause(ps) != nil {
			return ErrPaused
		}
		today := s.Today()
		// Ask the rules now whether a pause from today is acceptable (not
		// after the deadline), so a resume can never be refused later.
		if _, err := s.deadlines.SchedulePaused(r.LawID, r.Type, r.ReceivedAt, append(spans(ps, today), Span{today, today})); err != nil {
			return ErrPauseNotAllowed
		}
		p := Pause{ID: newID(), From: today, Question: question, PausedBy: actor.String()}
		if _, err := tx.Exec(ctx, `INSERT INTO request_pauses (id, request_id, paused_on, question, paused_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?)`, p.ID, r.ID, p.From, p.Question, p.PausedBy, s.now()); err != nil {
			return fmt.Errorf("requests: pause: %w", err)
		}
		data := map[string]any{"pause_id": p.ID, "from": today.Format("2006-01-02")}
		if _, err := s.event(ctx, tx, r, EventPaused, actor, VisibleSubject, question, data); err != nil {
			return err
		}
		if err := s.record(ctx, tx, actor, "request.paused", r, data); err != nil {
			return err
		}
		return s.mailSubject(ctx, tx, k, r, TemplateClarification, map[string]any{"Question": question})
	})
}

// ResumeAfterClarification restarts the clock once the person clarified
// their request: the due date (and the extension dates) move by the days
// the clock stood still.
func (s *Service) ResumeAfterClarification(ctx context.Context, actor Actor, id string) error {
	return s.change(ctx, actor, id, func(tx *db.Tx, r *Request) error {
		if !r.Open() {
			return ErrClosed
		}
		if !s.Pausable(r) {
			return ErrPauseNotAllowed
		}
		ps, err := s.listPauses(ctx, tx, r.ID)
		if err != nil {
			return err
		}
		open := openPause(ps)
		if open == nil {
			return ErrNotPaused
		}
		today := s.Today()
		if _, err := tx.Exec(ctx, "UPDATE request_pauses SET resumed_on = ?, resumed_by = ? WHERE id = ? AND resumed_on IS NULL",
			today, actor.String(), open.ID); err != nil {
			return fmt.Errorf("requests: resume: %w", err)
		}
		open.To = &today
		sch, err := s.deadlines.SchedulePaused(r.LawID, r.Type, r.ReceivedAt, spans(ps, today))
		if err != nil {
			return fmt.Errorf("requests: deadlines of %s under %s: %w", r.Type, r.LawID, err)
		}
		old := r.DueDate
		// The internal target moves with the clock too.
		computeDates(sch, r.ReceivedAt.AddDate(0, 0, sch.PausedDays), s.targetDays).apply(r)
		if r.Extended() && r.ExtensionLimit != nil {
			r.DueDate = *r.ExtensionLimit
		}
		if err := s.save(ctx, tx, r); err != nil {
			return err
		}
		data := map[string]any{"pause_id": open.ID, "from": old.Format("2006-01-02"), "to": r.DueDate.Format("2006-01-02"),
			"paused_days": int(today.Sub(open.From).Hours() / 24)}
		if _, err := s.event(ctx, tx, r, EventResumed, actor, VisibleSubject, "", data); err != nil {
			return err
		}
		if err := s.record(ctx, tx, actor, "request.resumed", r, data); err != nil {
			return err
		}
		return s.scheduleReminders(ctx, tx, r)
	})
}
