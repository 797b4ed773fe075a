package web

import (
	"time"

	"github.com/garde-privacy/garde/internal/operator"
	"github.com/garde-privacy/garde/internal/requests"
)

// filesView is the attachments panel of a request page.
type filesView struct {
	Enabled bool
	Items   []fileItem
}

type fileItem struct {
	ID, Name, Kind, Size, By string
	At                       time.Time
	Keep, Deleted            bool
	DeletedAt                *time.Time
	CanDownload, CanKeep     bool
	// Delivery is what the person was given: empty when never delivered.
	Delivery string
	// Delivering says the person can download it now, and so it outlives
	// the request's closure until then.
	Delivering bool
}

// fileKinds name the accepted content types for people.
var fileKinds = map[string]string{
	"application/pdf":           "web.requests.attachments.kind.pdf",
	"image/png":                 "web.requests.attachments.kind.png",
	"image/jpeg":                "web.requests.attachments.kind.jpeg",
	"text/plain; charset=utf-8": "web.requests.attachments.kind.text",
}

func (h *handler) filesView(p *page, req *requests.Request, files []requests.Attachment, names *actorNames) *filesView {
	v := &filesView{Enabled: h.Requests.AttachmentsEnabled()}
	agent, admin := p.Can(operator.Agent), p.Can(operator.Admin)
	for _, a := range files {
		it := fileItem{
			ID: a.ID, Name: a.Filename, By: names.of(a.UploadedBy), At: a.CreatedAt, Keep: a.Keep,
			Deleted: a.Deleted(), DeletedAt: a.DeletedAt,
			Size: p.T("web.requests.attachments.size_kb", "Size", (a.Size+1023)/1024),
		}
		if id, ok := fileKinds[a.ContentType]; ok {
			it.Kind = p.T(id)
		}
		if it.Name == "" {
			it.Name = p.T("web.requests.attachments.purged_name")
		}
		if a.DeliveredAt != nil {
			id := "web.requests.attachments.delivery_ended"
			if it.Delivering = a.Delivering(h.Requests.Now()); it.Delivering {
				id = "web.requests.attachments.delivery_running"
			}
			it.Delivery = p.T(id, "Date", p.Day(*a.DeliveredAt), "Last", p.Day(a.DeliveryLastDay()),
				"Downloads", p.T("web.requests.attachments.downloads", "Count", a.Downloads))
		}
		it.CanDownload = agent && !it.Deleted && v.Enabled
		it.CanKeep = admin && !it.Deleted && req.PurgedAt == nil
		v.Items = append(v.Items, it)
	}
	return v
}
