package web

import (
	"errors"
	"mime"
	"net/http"
	"strconv"

	"github.com/garde-privacy/garde/internal/requests"
)

// centreDownloadPath is where the person downloads a delivered file:
// ?token=<status token>&file=<attachment id>.
const centreDownloadPath = requests.PathStatus + "/download"

// centreDownload is one delivered file on the status page.
type centreDownload struct {
	ID, Name, Kind, Size, LastDay string
}

func centreDownloads(p *page, files []requests.DeliveredFile) []centreDownload {
	out := make([]centreDownload, 0, len(files))
	for _, f := range files {
		d := centreDownload{
			ID: f.ID, Name: f.Filename, LastDay: requests.FormatDate(p.Lang, f.LastDay),
			Size: p.T("centre.delivery.size_kb", "Size", (f.Size+1023)/1024),
		}
		if id, ok := fileKinds[f.ContentType]; ok {
			d.Kind = p.T(id)
		}
		out = append(out, d)
	}
	return out
}

// statusDownload sends a delivered file to the person holding the status
// link: always as a download, never shown in the centre's origin. The
// service counts and records every download.
func (c *centre) statusDownload(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodHead {
		// A download is counted and logged; a HEAD would log one that
		// sent nothing.
		c.methodNotAllowed("GET")(w, r)
		return
	}
	if !c.limit(w, r, c.limits.links) {
		return
	}
	q := r.URL.Query()
	token := q.Get("token")
	if !centreTokenShape(token) {
		c.linkDamaged(w, r)
		return
	}
	a, content, err := c.Requests.DownloadDelivered(r.Context(), token, q.Get("file"))
	switch {
	case errors.Is(err, requests.ErrStatusInvalid):
		c.statusFailed(w, r, err)
		return
	case errors.Is(err, requests.ErrAttachmentNotFound):
		c.notFound(w, r)
		return
	case errors.Is(err, requests.ErrDeliveryExpired):
		st := c.stateOf(r)
		c.problem(w, r, http.StatusGone, "centre.delivery.expired.title", st.lz.T(requests.ErrDeliveryExpired.ID),
			centreStatusURL(token), "centre.delivery.back_status")
		return
	case err != nil:
		c.serverError(w, r, err)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", a.ContentType)
	hd.Set("Content-Length", strconv.Itoa(len(content)))
	hd.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": a.Filename}))
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Cache-Control", "no-store")
	// A file opened despite the disposition runs nothing.
	hd.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(content)
}
