package consent

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/garde-privacy/garde/internal/i18n"
)

// ExportFormat is how a proof export is written.
type ExportFormat string

const (
	ExportCSV  ExportFormat = "csv"
	ExportJSON ExportFormat = "json"
)

// ErrExportRange says the period of an export is backwards.
var ErrExportRange = i18n.NewError("consent.error.export_range")

// exportColumns head the CSV export, one per Event field.
var exportColumns = []string{"id", "recorded_at", "given_at", "kind", "site_id", "subject_id", "device_id",
	"granted", "refused", "method", "source", "notice_version", "language", "gpc", "actor"}

// ExportRecord is one event as the JSON export writes it.
type ExportRecord struct {
	ID            string    `json:"id"`
	RecordedAt    time.Time `json:"recorded_at"`
	GivenAt       time.Time `json:"given_at"`
	Kind          string    `json:"kind"`
	SiteID        string    `json:"site_id"`
	SubjectID     string    `json:"subject_id"`
	DeviceID      string    `json:"device_id"`
	Granted       []string  `json:"granted"`
	Refused       []string  `json:"refused"`
	Method        string    `json:"method"`
	Source        string    `json:"source"`
	NoticeVersion string    `json:"notice_version"`
	Language      string    `json:"language"`
	GPC           bool      `json:"gpc"`
	Actor         string    `json:"actor"`
}

func record(e *Event) ExportRecord {
	return ExportRecord{ID: e.ID, RecordedAt: e.RecordedAt, GivenAt: e.GivenAt, Kind: string(e.Kind), SiteID: e.SiteID,
		SubjectID: e.SubjectID, DeviceID: e.DeviceID, Granted: purposeStrings(e.Granted), Refused: purposeStrings(e.Refused),
		Method: string(e.Method), Source: string(e.Source), NoticeVersion: e.NoticeVersion, Language: e.Language,
		GPC: e.GPC, Actor: e.Actor}
}

// Export writes the events recorded in [from, to) to w, oldest first, and
// audits who took them: the export holds personal data.
func (s *Service) Export(ctx context.Context, actor string, w io.Writer, f ExportFormat, from, to time.Time) (int, error) {
	if !to.After(from) {
		return 0, ErrExportRange
	}
	n := 0
	var err error
	switch f {
	case ExportCSV:
		cw := csv.NewWriter(w)
		if err := cw.Write(exportColumns); err != nil {
			return 0, err
		}
		err = s.store.Export(ctx, from, to, func(e *Event) error {
			n++
			return cw.Write([]string{e.ID, e.RecordedAt.Format(time.RFC3339Nano), e.GivenAt.Format(time.RFC3339Nano),
				string(e.Kind), e.SiteID, csvSafe(e.SubjectID), csvSafe(e.DeviceID),
				strings.Join(purposeStrings(e.Granted), " "), strings.Join(purposeStrings(e.Refused), " "),
				string(e.Method), string(e.Source), csvSafe(e.NoticeVersion), e.Language, strconv.FormatBool(e.GPC), e.Actor})
		})
		cw.Flush()
		if err == nil {
			err = cw.Error()
		}
	case ExportJSON:
		// Streamed as one array, so a large ledger never sits in memory.
		if _, err := io.WriteString(w, "["); err != nil {
			return 0, err
		}
		err = s.store.Export(ctx, from, to, func(e *Event) error {
			b, err := json.Marshal(record(e))
			if err != nil {
				return err
			}
			if n > 0 {
				if _, err := io.WriteString(w, ",\n"); err != nil {
					return err
				}
			}
			n++
			_, err = w.Write(b)
			return err
		})
		if err == nil {
			_, err = io.WriteString(w, "]\n")
		}
	default:
		return 0, i18n.NewError("consent.error.export_format")
	}
	if err != nil {
		return n, err
	}
	if _, err := s.audit.RecordNow(ctx, actor, "consent.exported", "consent", map[string]any{
		"format": string(f), "from": from.UTC().Format(time.RFC3339), "to": to.UTC().Format(time.RFC3339), "events": n,
	}); err != nil {
		return n, err
	}
	return n, nil
}

// csvSafe keeps a spreadsheet from reading a value sent by a stranger's
// browser as a formula.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
