package api

import (
	"context"
	"net/http"
	"time"

	"github.com/garde-privacy/garde/internal/audit"
	"github.com/garde-privacy/garde/internal/operator"
)

// AuditEntry is one entry of the audit log.
type AuditEntry struct {
	Seq      int64          `json:"seq" doc:"Position in the log, from 1, without gaps."`
	At       time.Time      `json:"at"`
	Actor    string         `json:"actor" doc:"operator:<id>, token:<id>, cli, system or subject:<hash>."`
	Action   string         `json:"action" example:"operator.created"`
	Target   string         `json:"target"`
	Details  map[string]any `json:"details"`
	PrevHash string         `json:"prev_hash" doc:"Hash of the entry before (64 zeros for the first)."`
	Hash     string         `json:"hash" doc:"SHA-256 over this entry and prev_hash."`
}

// AuditPage is a page of entries, newest first.
type AuditPage struct {
	Entries    []AuditEntry `json:"entries" nullable:"false"`
	NextBefore *int64       `json:"next_before" doc:"Pass as before to get the next (older) page; null on the last page."`
}

// AuditListInput filters the audit log.
type AuditListInput struct {
	Limit  int    `query:"limit" minimum:"1" maximum:"500" default:"50" doc:"Entries per page."`
	Before int64  `query:"before" minimum:"1" doc:"Only entries with a smaller seq (the next_before of the previous page)."`
	Action string `query:"action" maxLength:"200" doc:"Only this action, e.g. operator.created."`
	Actor  string `query:"actor" maxLength:"200" doc:"Only this actor, e.g. token:<id>."`
}

// AuditVerification is the result of checking the hash chain.
type AuditVerification struct {
	OK      bool        `json:"ok" doc:"True when every entry matches its hash and follows the one before it."`
	Checked int64       `json:"checked" doc:"Entries read, up to and including the first break."`
	Break   *AuditBreak `json:"break,omitempty" doc:"The first entry where the chain does not hold; absent when ok."`
}

// AuditBreak names the first broken entry.
type AuditBreak struct {
	Seq    int64  `json:"seq"`
	Reason string `json:"reason" enum:"changed,reordered_or_removed" doc:"changed: the entry's content no longer matches its hash; reordered_or_removed: it does not follow the entry before it."`
}

func auditEntry(e audit.Entry) AuditEntry {
	details := e.Details
	if details == nil {
		details = map[string]any{}
	}
	return AuditEntry{Seq: e.Seq, At: e.At.UTC(), Actor: e.Actor, Action: e.Action, Target: e.Target,
		Details: details, PrevHash: e.PrevHash, Hash: e.Hash}
}

func registerAudit(s *Server) {
	Register(s, Route{
		ID: "list-audit-entries", Method: http.MethodGet, Path: "/audit", Tag: "Audit",
		Scope: operator.ScopeAuditRead, Summary: "List audit log entries",
		Description: "Entries newest first. Page backwards by passing next_before as before.",
	}, func(ctx context.Context, in *AuditListInput) (*struct{ Body AuditPage }, error) {
		f := audit.ListFilter{Limit: in.Limit, BeforeSeq: in.Before, Action: in.Action, Actor: in.Actor}
		entries, err := s.Audit.List(ctx, f)
		if err != nil {
			return nil, Internal(err)
		}
		out := &struct{ Body AuditPage }{Body: AuditPage{Entries: make([]AuditEntry, 0, len(entries))}}
		for _, e := range entries {
			out.Body.Entries = append(out.Body.Entries, auditEntry(e))
		}
		if len(entries) == in.Limit {
			// A full page: offer a next one only if it holds something.
			last := entries[len(entries)-1].Seq
			f.Limit, f.BeforeSeq = 1, last
			more, err := s.Audit.List(ctx, f)
			if err != nil {
				return nil, Internal(err)
			}
			if len(more) > 0 {
				out.Body.NextBefore = &last
			}
		}
		return out, nil
	})

	Register(s, Route{
		ID: "verify-audit-log", Method: http.MethodGet, Path: "/audit/verify", Tag: "Audit",
		Scope: operator.ScopeAuditRead, Summary: "Verify the audit log's hash chain",
		Description: "Reads the whole log and reports the first entry that was changed, removed or reordered. " +
			"The run itself is recorded in the log (action audit.verified).",
	}, func(ctx context.Context, _ *struct{}) (*struct{ Body AuditVerification }, error) {
		brk, n, err := s.Audit.Verify(ctx)
		if err != nil {
			return nil, Internal(err)
		}
		out := &struct{ Body AuditVerification }{Body: AuditVerification{OK: brk == nil, Checked: n}}
		details := map[string]any{"ok": brk == nil, "checked": n}
		if brk != nil {
			out.Body.Break = &AuditBreak{Seq: brk.Seq, Reason: brk.Reason}
			details["break_seq"], details["break_reason"] = brk.Seq, brk.Reason
		}
		if _, err := s.Audit.RecordNow(ctx, Actor(ctx), "audit.verified", "audit_log", details); err != nil {
			return nil, Internal(err)
		}
		return out, nil
	})
}
