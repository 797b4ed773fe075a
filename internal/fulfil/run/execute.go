package run

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"github.com/garde-privacy/garde/internal/fulfil"
	"github.com/garde-privacy/garde/internal/fulfil/access"
	"github.com/garde-privacy/garde/internal/fulfil/connect"
	"github.com/garde-privacy/garde/internal/fulfil/erase"
	"github.com/garde-privacy/garde/internal/fulfil/plan"
	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/requests"
)

// maxPackageSize bounds an access package: it is sealed in memory.
const maxPackageSize = 256 << 20

// maxKeysInNote bounds the primary keys a note lists per collection; the
// audit log has the counts.
const maxKeysInNote = 50

// permanent marks failures a retry cannot fix.
type permanent struct{ err error }

func (p permanent) Error() string { return p.err.Error() }
func (p permanent) Unwrap() error { return p.err }

// Work runs one automatic task. It is safe to run again: a task done is
// left alone, and a run that fails before reporting changes nothing in
// Garde (an erasure run again finds nothing more to change).
func (s *Service) Work(ctx context.Context, taskID string, attempt, maxAttempts int) error {
	at, err := s.requests.AutomaticTask(ctx, taskID)
	if errors.Is(err, requests.ErrTaskNotFound) || errors.Is(err, requests.ErrNotFound) {
		return nil // the request was deleted with its tasks
	}
	if err != nil {
		return err
	}
	if !at.Runnable {
		// Changes entered for a task that will not run are not kept.
		return s.dropChanges(ctx, taskID)
	}
	res, err := s.execute(ctx, at)
	if err == nil {
		_, err = s.requests.FinishAutomaticTask(ctx, taskID, *res)
		if errors.Is(err, requests.ErrClosed) {
			// The request ended while the job ran: the run still happened,
			// so it is recorded, though no task or file is left to update.
			_, err = s.audit.RecordNow(ctx, requests.SystemActor.String(), res.Action, "request:"+at.RequestID, res.Details)
		}
		if err == nil {
			return s.dropChanges(ctx, taskID)
		}
	}
	var perm permanent
	final := attempt >= maxAttempts || errors.As(err, &perm)
	id := "fulfil.task.failed"
	if final {
		id = "fulfil.task.failed_final"
	}
	msg := s.catalog.For(s.lang).T(id, map[string]any{"Attempt": attempt, "Max": maxAttempts, "Error": s.errorText(err)})
	details := map[string]any{"attempt": attempt, "error": err.Error(), "type": string(at.Type)}
	if ferr := s.requests.FailAutomaticTask(ctx, taskID, msg, final, details); ferr != nil {
		return errors.Join(err, ferr)
	}
	if final {
		return river.JobCancel(err)
	}
	return err
}

// errorText is a failure in the staff's language when it is one of ours.
func (s *Service) errorText(err error) string {
	lz := s.catalog.For(s.lang)
	var ie *InvalidDataset
	if errors.As(err, &ie) {
		return ie.Localize(lz)
	}
	for _, known := range []*i18n.Error{ErrNoConnector, ErrPackageTooLarge, ErrDatasetNoEmail, ErrDatasetOne, ErrNoChanges, ErrTypeNotHandled} {
		if errors.Is(err, known) {
			return known.Localize(lz)
		}
	}
	var le *i18n.Error
	if errors.As(err, &le) && s.catalog.Has(s.lang, le.ID) {
		return le.Localize(lz)
	}
	return err.Error()
}

// execute runs the engine for the task and says what to report.
func (s *Service) execute(ctx context.Context, at *requests.AutomaticTask) (*requests.AutomaticResult, error) {
	c, err := s.openConnector(ctx, at.Task.SystemID)
	if err != nil {
		return nil, permanent{err}
	}
	if !runnable(at.Type, c.Kind) {
		return nil, permanent{ErrTypeNotHandled}
	}
	if c.HTTP() {
		return s.callHTTP(ctx, at, c)
	}
	set, err := checkDataset(c.Dataset)
	if err != nil {
		return nil, permanent{err}
	}
	ids, err := s.requests.PlanIdentities(ctx, at, set)
	if err != nil {
		return nil, err
	}
	p, err := plan.Build(set, ids)
	if err != nil {
		return nil, permanent{err}
	}
	writes := at.Type == requests.TypeErasure || at.Type == requests.TypeRectification
	conn, err := connect.Open(ctx, c.url, !writes)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	conns := map[string]*connect.Conn{c.DatasetKey: conn}
	switch at.Type {
	case requests.TypeErasure:
		return s.erase(ctx, at, p, conns)
	case requests.TypeRectification:
		return s.rectify(ctx, at, p, conns)
	}
	return s.access(ctx, at, p, conns)
}

func (s *Service) access(ctx context.Context, at *requests.AutomaticTask, p *plan.Plan, conns map[string]*connect.Conn) (*requests.AutomaticResult, error) {
	// Each run works in its own folder: packages are named by the second
	// they are made, and two runs may share one.
	dir, err := os.MkdirTemp(s.workDir, "garde-run-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	pkg, err := access.NewPackage(dir)
	if err != nil {
		return nil, err
	}
	res, err := access.Run(ctx, p, conns, pkg)
	if err != nil {
		pkg.Abort()
		return nil, err
	}
	var unreached []string
	for _, c := range p.Unreached {
		unreached = append(unreached, c.Key())
	}
	path, err := pkg.Finish(access.Summary{At: s.now(), Lang: at.Language, Catalog: s.catalog, Identities: p.Identities, Unreached: unreached})
	if err != nil {
		return nil, err
	}
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if st.Size() > maxPackageSize {
		return nil, permanent{ErrPackageTooLarge}
	}
	content, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	lz := s.catalog.For(s.lang)
	lines := []string{lz.T("fulfil.task.access_done")}
	rows := map[string]any{}
	for _, st := range p.Steps {
		k := st.Collection.Key()
		lines = append(lines, lz.T("fulfil.task.rows", map[string]any{"Collection": k, "Rows": res.Rows[k]}))
		rows[k] = res.Rows[k]
	}
	name := at.Reference + "-" + filepath.Base(path)
	return &requests.AutomaticResult{
		Note:    strings.Join(lines, "\n"),
		File:    &requests.ResultFile{Name: name, ContentType: "application/zip", Content: content},
		Action:  "fulfil.access",
		Details: map[string]any{"identity_keys": []string{"email"}, "rows": rows, "type": string(at.Type)},
	}, nil
}

func (s *Service) erase(ctx context.Context, at *requests.AutomaticTask, p *plan.Plan, conns map[string]*connect.Conn) (*requests.AutomaticResult, error) {
	key, err := fulfil.ErasureKey(ctx, s.db, s.box)
	if err != nil {
		return nil, err
	}
	rec, err := erase.Run(ctx, p, conns, erase.Options{Key: key})
	if err != nil {
		return nil, err
	}
	for _, sys := range rec.Systems {
		if err := fulfil.AddTombstones(ctx, s.db, key, sys.Dataset, map[string]string{"email": at.Email}, s.now()); err != nil {
			return nil, err
		}
	}
	lz := s.catalog.For(s.lang)
	var lines []string
	cols := map[string]any{}
	for _, sys := range rec.Systems {
		for _, c := range sys.Collections {
			if len(c.Rows) == 0 {
				continue
			}
			k := sys.Dataset + "." + c.Name
			data := map[string]any{"Collection": k, "Rows": len(c.Rows), "Fields": strings.Join(c.Fields, ", "), "Keys": keyList(c)}
			id := "fulfil.task.erase_updated"
			if c.Action == "delete" {
				id = "fulfil.task.erase_deleted"
			}
			lines = append(lines, lz.T(id, data))
			cols[k] = map[string]any{"action": c.Action, "rows": len(c.Rows), "fields": c.Fields}
		}
	}
	if len(lines) == 0 {
		// A run repeated after a crash, or a person erased by an earlier
		// request, finds nothing: the tombstone says which.
		at0, err := s.erasedBefore(ctx, key, p.Set.Datasets[0].FidesKey, at.Email)
		if err != nil {
			return nil, err
		}
		if at0 != nil {
			lines = []string{lz.T("fulfil.task.erase_before", map[string]any{"Date": at0.Format("2006-01-02 15:04 UTC")})}
		} else {
			lines = []string{lz.T("fulfil.task.erase_nothing")}
		}
	} else {
		lines = append([]string{lz.T("fulfil.task.erase_done")}, lines...)
	}
	return &requests.AutomaticResult{
		Note:    strings.Join(lines, "\n"),
		Action:  "fulfil.erased",
		Details: map[string]any{"identity_keys": []string{"email"}, "collections": cols},
	}, nil
}

// erasedBefore returns when the dataset was first erased for the email,
// or nil.
func (s *Service) erasedBefore(ctx context.Context, key []byte, dataset, email string) (*time.Time, error) {
	var t time.Time
	err := s.db.QueryRow(ctx, "SELECT erased_at FROM fulfil_tombstones WHERE hash = ? AND dataset = ?",
		fulfil.TombstoneHash(key, "email", email), dataset).Scan(&t)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	t = t.UTC()
	return &t, nil
}

// keyList writes the primary keys of the rows changed, bounded.
func keyList(c *erase.Collection) string {
	keys := make([]string, 0, min(len(c.Rows), maxKeysInNote))
	for i, row := range c.Rows {
		if i == maxKeysInNote {
			keys = append(keys, fmt.Sprintf("… (+%d)", len(c.Rows)-maxKeysInNote))
			break
		}
		parts := make([]string, len(row))
		for j, v := range row {
			parts[j] = fmt.Sprint(v)
		}
		keys = append(keys, strings.Join(parts, "/"))
	}
	return strings.Join(keys, ", ")
}
