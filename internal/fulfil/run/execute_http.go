package run

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"

	"github.com/garde-privacy/garde/internal/fulfil/access"
	"github.com/garde-privacy/garde/internal/fulfil/dataset"
	"github.com/garde-privacy/garde/internal/fulfil/httpconn"
	"github.com/garde-privacy/garde/internal/fulfil/plan"
	"github.com/garde-privacy/garde/internal/requests"
)

// Purposes sent with restriction and objection calls. A restriction stops
// every use but keeping the data and what the law requires; an objection
// stops direct marketing (as the consent check reads these requests).
var (
	RestrictPurposes = []string{"all_but_necessary"}
	ObjectPurposes   = []string{"marketing", "newsletter"}
)

// actionOf is the call an HTTP connector gets for a request type.
func actionOf(t requests.Type) httpconn.Action {
	switch t {
	case requests.TypeAccess, requests.TypePortability:
		return httpconn.Access
	case requests.TypeErasure:
		return httpconn.Erase
	case requests.TypeRectification:
		return httpconn.Rectify
	case requests.TypeRestriction:
		return httpconn.Restrict
	case requests.TypeObjection:
		return httpconn.Object
	}
	return ""
}

// callHTTP sends the task's call to the endpoint and reports its answer.
// The call's id is the task's, the same on every attempt, so the endpoint
// can do the work once.
func (s *Service) callHTTP(ctx context.Context, at *requests.AutomaticTask, c *opened) (*requests.AutomaticResult, error) {
	ids, err := s.httpIdentities(ctx, at)
	if err != nil {
		return nil, err
	}
	call := httpconn.Call{
		ID: at.Task.ID, Action: actionOf(at.Type),
		Request:    httpconn.RequestRef{ID: at.RequestID, Reference: at.Reference, Type: string(at.Type), Language: string(at.Language)},
		Identities: map[string]string{},
	}
	keys := make([]string, 0, len(ids))
	for _, id := range ids {
		call.Identities[id.Key] = id.Value
		keys = append(keys, id.Key)
	}
	switch call.Action {
	case httpconn.Rectify:
		changes, err := s.loadChanges(ctx, at.Task.ID)
		if err != nil {
			return nil, permanent{err}
		}
		for _, ch := range changes {
			call.Changes = append(call.Changes, httpconn.Change{Field: ch.Field, Value: ch.Value})
		}
	case httpconn.Restrict:
		call.Purposes = RestrictPurposes
	case httpconn.Object:
		call.Purposes = ObjectPurposes
	}
	ans, err := s.http.Do(ctx, c.url, c.secret, call)
	if err != nil {
		var he *httpconn.Error
		if errors.As(err, &he) && he.Permanent {
			return nil, permanent{err}
		}
		return nil, err
	}
	details := map[string]any{"identity_keys": keys, "endpoint": c.URLHint, "action": string(call.Action),
		"status": string(ans.Status), "type": string(at.Type)}
	if call.Action == httpconn.Access && ans.Status == httpconn.Done {
		return s.httpAccess(at, c, ans, ids, details)
	}
	lz := s.catalog.For(s.lang)
	var lines []string
	switch {
	case ans.Status == httpconn.NotFound:
		lines = append(lines, lz.T("fulfil.http.not_found"))
	case ans.Status == httpconn.Accepted:
		lines = append(lines, lz.T("fulfil.http.accepted"))
	case call.Action == httpconn.Erase:
		lines = append(lines, lz.T("fulfil.http.erase_done"))
	case call.Action == httpconn.Rectify:
		var fields []string
		for _, ch := range call.Changes {
			fields = append(fields, ch.Field)
		}
		lines = append(lines, lz.T("fulfil.http.rectify_done", map[string]any{"Fields": strings.Join(fields, ", ")}))
		details["fields"] = fields
	default:
		lines = append(lines, lz.T("fulfil.http.restrict_done", map[string]any{"Purposes": strings.Join(call.Purposes, ", ")}))
		details["purposes"] = call.Purposes
	}
	if ans.Message != "" {
		lines = append(lines, lz.T("fulfil.http.message", map[string]any{"Message": ans.Message}))
	}
	action := map[httpconn.Action]string{httpconn.Access: "fulfil.access", httpconn.Erase: "fulfil.erased",
		httpconn.Rectify: "fulfil.rectified", httpconn.Restrict: "fulfil.restricted", httpconn.Object: "fulfil.objected"}[call.Action]
	return &requests.AutomaticResult{Note: strings.Join(lines, "\n"), Action: action, Details: details}, nil
}

// httpIdentities are what an endpoint is given to find the person: the
// verified email, then each identity an agent added after checking it.
func (s *Service) httpIdentities(ctx context.Context, at *requests.AutomaticTask) ([]plan.Identity, error) {
	added, err := s.requests.Identities(ctx, at.RequestID)
	if err != nil {
		return nil, err
	}
	ids := []plan.Identity{{Key: "email", Value: at.Email}}
	for _, i := range added {
		if i.Key != "email" {
			ids = append(ids, plan.Identity{Key: i.Key, Value: i.Value})
		}
	}
	return ids, nil
}

// httpAccess writes the records the endpoint answered into an access
// package of the same form as a database's: data.json, one CSV per
// collection, the summary in the person's language.
func (s *Service) httpAccess(at *requests.AutomaticTask, c *opened, ans *httpconn.Answer, ids []plan.Identity, details map[string]any) (*requests.AutomaticResult, error) {
	dir, err := os.MkdirTemp(s.workDir, "garde-run-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	pkg, err := access.NewPackage(dir)
	if err != nil {
		return nil, err
	}
	ds := &dataset.Dataset{FidesKey: c.DatasetKey, Name: at.Task.SystemName}
	lz := s.catalog.For(s.lang)
	lines := []string{lz.T("fulfil.task.access_done")}
	rows := map[string]any{}
	for _, coll := range ans.Records {
		st := recordStep(ds, coll)
		if err := pkg.Begin(st); err != nil {
			pkg.Abort()
			return nil, err
		}
		idx := make(map[string]int, len(st.Read))
		for i, f := range st.Read {
			idx[f.Name] = i
		}
		for _, rec := range coll.Rows {
			values := make([]any, len(st.Read))
			for _, v := range rec {
				values[idx[v.Name]] = v.Value
			}
			if err := pkg.Row(st, values); err != nil {
				pkg.Abort()
				return nil, err
			}
		}
		if err := pkg.End(st, int64(len(coll.Rows))); err != nil {
			pkg.Abort()
			return nil, err
		}
		k := st.Collection.Key()
		lines = append(lines, lz.T("fulfil.task.rows", map[string]any{"Collection": k, "Rows": len(coll.Rows)}))
		rows[k] = len(coll.Rows)
	}
	if ans.Message != "" {
		lines = append(lines, lz.T("fulfil.http.message", map[string]any{"Message": ans.Message}))
	}
	path, err := pkg.Finish(access.Summary{At: s.now(), Lang: at.Language, Catalog: s.catalog,
		Identities: ids})
	if err != nil {
		return nil, err
	}
	content, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if len(content) > maxPackageSize {
		return nil, permanent{ErrPackageTooLarge}
	}
	details["rows"] = rows
	return &requests.AutomaticResult{
		Note:    strings.Join(lines, "\n"),
		File:    &requests.ResultFile{Name: at.Reference + "-" + filepath.Base(path), ContentType: "application/zip", Content: content},
		Action:  "fulfil.access",
		Details: details,
	}, nil
}

// recordStep describes a collection of an answer as a step of a plan, so
// the package writes it as it writes a table: its fields are every name
// its records use, in the order they first appear.
func recordStep(ds *dataset.Dataset, c httpconn.Collection) *plan.Step {
	coll := &dataset.Collection{Name: c.Name, Dataset: ds}
	seen := map[string]bool{}
	st := &plan.Step{Collection: coll}
	for _, rec := range c.Rows {
		for _, v := range rec {
			if !seen[v.Name] {
				seen[v.Name] = true
				f := &dataset.Field{Name: v.Name, Collection: coll}
				coll.Fields = append(coll.Fields, f)
				st.Read = append(st.Read, f)
			}
		}
	}
	return st
}
