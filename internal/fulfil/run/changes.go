package run

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/fulfil/dataset"
	"github.com/garde-privacy/garde/internal/fulfil/plan"
	"github.com/garde-privacy/garde/internal/fulfil/rectify"
	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/requests"
)

// A rectification task runs once an agent has entered what to correct:
// field → new value, checked against the dataset's types for a database,
// or passed to the endpoint for HTTP. The values are personal data: they
// are sealed until the job has applied them, then removed, and the audit
// log shows them masked.

// Bounds of what an agent enters.
const (
	MaxChanges  = 20
	maxValueLen = 1000
)

// FieldChange is one correction: a field (collection.field) and its new
// value, as typed.
type FieldChange struct {
	Field string `json:"field"`
	Value string `json:"value"`
}

// Errors of the rectification form; those with a field name carry it.
var (
	ErrNotRectifiable  = i18n.NewError("fulfil.error.not_rectifiable")
	ErrChangesRequired = i18n.NewError("fulfil.error.changes_required")
	ErrTooManyChanges  = i18n.NewError("fulfil.error.changes_too_many", map[string]any{"Max": MaxChanges})
	ErrNoChanges       = i18n.NewError("fulfil.error.no_changes")
)

func changeError(id, field string, data ...map[string]any) *i18n.Error {
	d := map[string]any{"Field": field}
	for _, m := range data {
		for k, v := range m {
			d[k] = v
		}
	}
	return i18n.NewError(id, d)
}

// httpFieldRE is a field name for an HTTP system: one to three names
// joined by dots.
var httpFieldRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,62}(\.[A-Za-z_][A-Za-z0-9_]{0,62}){0,2}$`)

// RectifyForm is what the form of a task offers.
type RectifyForm struct {
	Kind      string
	System    string // the task's system, as named when the task opened
	Reference string // the request's
	// Fields are, for a database, the fields that can be set; for HTTP
	// any name the endpoint knows is accepted.
	Fields []string
	// Pending lists the fields entered before, still to be applied.
	Pending []string
}

// rectifiable loads the task of a rectification request that an agent may
// give changes to: an automatic task not done, of an open request, whose
// system has a connector.
func (s *Service) rectifiable(ctx context.Context, actor requests.Actor, requestID, taskID string) (*requests.AutomaticTask, *opened, error) {
	if !isAgent(actor) {
		return nil, nil, requests.ErrForbidden
	}
	r, err := s.requests.Get(ctx, requestID)
	if err != nil {
		return nil, nil, err
	}
	at, err := s.requests.AutomaticTask(ctx, taskID)
	if errors.Is(err, requests.ErrTaskNotFound) || (err == nil && at.RequestID != r.ID) {
		return nil, nil, requests.ErrNotFound
	}
	if err != nil {
		return nil, nil, err
	}
	if at.Type != requests.TypeRectification || !at.Runnable {
		return nil, nil, ErrNotRectifiable
	}
	c, err := s.openConnector(ctx, at.Task.SystemID)
	if errors.Is(err, ErrNoConnector) {
		return nil, nil, ErrNotRectifiable
	}
	if err != nil {
		return nil, nil, err
	}
	return at, c, nil
}

// RectifyForm says what the rectification form of a task offers.
func (s *Service) RectifyForm(ctx context.Context, actor requests.Actor, requestID, taskID string) (*RectifyForm, error) {
	at, c, err := s.rectifiable(ctx, actor, requestID, taskID)
	if err != nil {
		return nil, err
	}
	f := &RectifyForm{Kind: c.Kind, System: at.Task.SystemName, Reference: at.Reference}
	if !c.HTTP() {
		p, err := s.plan(ctx, c.Connector, at)
		if err != nil {
			return nil, err
		}
		for _, st := range p.Steps {
			for _, fd := range settable(st.Collection) {
				f.Fields = append(f.Fields, st.Collection.Name+"."+fd.Name)
			}
		}
	}
	var names string
	err = s.db.QueryRow(ctx, "SELECT fields FROM fulfil_task_changes WHERE task_id = ?", at.Task.ID).Scan(&names)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	if names != "" {
		f.Pending = strings.Split(names, ",")
	}
	return f, nil
}

// settable lists the fields of a collection rectification may set: not
// primary keys, not read_only, in a collection with a primary key (the
// rows are updated by it).
func settable(c *dataset.Collection) []*dataset.Field {
	if len(c.PrimaryKeys()) == 0 {
		return nil
	}
	var out []*dataset.Field
	for _, f := range c.Fields {
		if m := f.Meta(); !m.PrimaryKey && !m.ReadOnly {
			out = append(out, f)
		}
	}
	return out
}

// plan is the traversal of a database connector for the task's person,
// by the identities the job will use.
func (s *Service) plan(ctx context.Context, c *Connector, at *requests.AutomaticTask) (*plan.Plan, error) {
	set, err := checkDataset(c.Dataset)
	if err != nil {
		return nil, err
	}
	ids, err := s.requests.PlanIdentities(ctx, at, set)
	if err != nil {
		return nil, err
	}
	return plan.Build(set, ids)
}

// Rectify saves the changes an agent entered for a rectification task and
// starts its job. Rows without a field are ignored.
func (s *Service) Rectify(ctx context.Context, actor requests.Actor, requestID, taskID string, in []FieldChange) error {
	at, c, err := s.rectifiable(ctx, actor, requestID, taskID)
	if err != nil {
		return err
	}
	var changes []FieldChange
	seen := map[string]bool{}
	for _, ch := range in {
		ch.Field = strings.TrimSpace(ch.Field)
		if ch.Field == "" {
			if strings.TrimSpace(ch.Value) != "" {
				return ErrChangeNoField
			}
			continue
		}
		if seen[ch.Field] {
			return changeError("fulfil.error.change_twice", ch.Field)
		}
		seen[ch.Field] = true
		if !utf8.ValidString(ch.Value) || utf8.RuneCountInString(ch.Value) > maxValueLen {
			return changeError("fulfil.error.change_too_long", ch.Field, map[string]any{"Max": maxValueLen})
		}
		changes = append(changes, ch)
	}
	switch {
	case len(changes) == 0:
		return ErrChangesRequired
	case len(changes) > MaxChanges:
		return ErrTooManyChanges
	}
	masked := make([]map[string]any, 0, len(changes))
	fields := make([]string, 0, len(changes))
	if c.HTTP() {
		for _, ch := range changes {
			if !httpFieldRE.MatchString(ch.Field) {
				return changeError("fulfil.error.change_name", ch.Field)
			}
		}
	} else {
		p, err := s.plan(ctx, c.Connector, at)
		if err != nil {
			return err
		}
		if _, err := dbSets(p, changes); err != nil {
			return err
		}
	}
	for _, ch := range changes {
		fields = append(fields, ch.Field)
		masked = append(masked, map[string]any{"field": ch.Field, "value": rectify.Mask(ch.Value)})
	}
	plain, err := json.Marshal(changes)
	if err != nil {
		return err
	}
	sealed, err := s.box.Seal(plain, changesContext(at.Task.ID))
	if err != nil {
		return fmt.Errorf("fulfil: seal changes: %w", err)
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO fulfil_task_changes (task_id, changes_sealed, fields, created_by, created_at)
			VALUES (?, ?, ?, ?, ?) ON CONFLICT (task_id) DO UPDATE SET changes_sealed = excluded.changes_sealed,
			fields = excluded.fields, created_by = excluded.created_by, created_at = excluded.created_at`,
			at.Task.ID, sealed, strings.Join(fields, ","), actor.String(), s.now()); err != nil {
			return fmt.Errorf("fulfil: save changes: %w", err)
		}
		// An earlier failed run's job runs again now with the new changes.
		if err := s.enqueueAgain(ctx, tx, at.Task.ID); err != nil {
			return err
		}
		_, err = s.audit.Record(ctx, tx, actor.String(), "fulfil.rectify_requested", "request:"+at.RequestID,
			map[string]any{"task_id": at.Task.ID, "system": at.Task.SystemName, "changes": masked})
		return err
	})
}

// ErrChangeNoField is a value typed without its field.
var ErrChangeNoField = i18n.NewError("fulfil.error.change_no_field")

func changesContext(taskID string) string { return "fulfil.changes:" + taskID }

// dbSets checks the changes against the dataset and converts the values
// to the fields' types.
func dbSets(p *plan.Plan, changes []FieldChange) ([]rectify.Set, error) {
	var out []rectify.Set
	for _, ch := range changes {
		coll, name, ok := strings.Cut(ch.Field, ".")
		var field *dataset.Field
		if ok {
			for _, st := range p.Steps {
				if st.Collection.Name == coll {
					for _, f := range settable(st.Collection) {
						if f.Name == name {
							field = f
						}
					}
				}
			}
		}
		if field == nil {
			return nil, changeError("fulfil.error.change_unknown", ch.Field)
		}
		v, err := convert(field, ch.Field, ch.Value)
		if err != nil {
			return nil, err
		}
		out = append(out, rectify.Set{Field: field, Value: v})
	}
	return out, nil
}

// convert reads a value as the field's data_type says.
func convert(f *dataset.Field, name, s string) (any, error) {
	m := f.Meta()
	switch m.DataType {
	case "integer":
		n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		if err != nil {
			return nil, changeError("fulfil.error.change_integer", name)
		}
		return n, nil
	case "float":
		x, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil {
			return nil, changeError("fulfil.error.change_number", name)
		}
		return x, nil
	case "boolean":
		b, err := strconv.ParseBool(strings.TrimSpace(s))
		if err != nil {
			return nil, changeError("fulfil.error.change_boolean", name)
		}
		return b, nil
	}
	if m.Length > 0 && utf8.RuneCountInString(s) > m.Length {
		return nil, changeError("fulfil.error.change_length", name, map[string]any{"Max": m.Length})
	}
	return s, nil
}

// loadChanges returns the changes entered for the task, or ErrNoChanges.
func (s *Service) loadChanges(ctx context.Context, taskID string) ([]FieldChange, error) {
	var sealed string
	err := s.db.QueryRow(ctx, "SELECT changes_sealed FROM fulfil_task_changes WHERE task_id = ?", taskID).Scan(&sealed)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNoChanges
	}
	if err != nil {
		return nil, err
	}
	plain, err := s.box.Open(sealed, changesContext(taskID))
	if err != nil {
		return nil, fmt.Errorf("fulfil: the changes of this task cannot be unsealed with the current secret key: %w", err)
	}
	var out []FieldChange
	if err := json.Unmarshal(plain, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// dropChanges removes the changes once applied: they are personal data.
func (s *Service) dropChanges(ctx context.Context, taskID string) error {
	_, err := s.db.Exec(ctx, "DELETE FROM fulfil_task_changes WHERE task_id = ?", taskID)
	return err
}
