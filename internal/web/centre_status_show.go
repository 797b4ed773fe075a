package web

import (
	"errors"
	"net/http"
	"time"

	"github.com/garde-privacy/garde/internal/requests"
)

// statusShow is the person's page of their request, reached from every
// email after the confirmation.
func (c *centre) statusShow(w http.ResponseWriter, r *http.Request) {
	if !c.limit(w, r, c.limits.links) {
		return
	}
	token := r.URL.Query().Get("token")
	if !centreTokenShape(token) {
		c.linkDamaged(w, r)
		return
	}
	v, err := c.Requests.Status(r.Context(), token)
	if err != nil {
		c.statusFailed(w, r, err)
		return
	}
	p := c.newPage(w, r, "")
	c.statusPage(w, p, token, v, http.StatusOK)
}

// statusFailed answers a status link that does not work (410) or a failure.
func (c *centre) statusFailed(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, requests.ErrStatusInvalid) {
		st := c.stateOf(r)
		c.problem(w, r, http.StatusGone, "centre.status.invalid.title", st.lz.T(requests.ErrStatusInvalid.ID))
		return
	}
	c.serverError(w, r, err)
}

// centreMessage is one entry of the person's view of their request.
type centreMessage struct {
	When  string
	Title string
	Body  string
	// Mine marks the person's own messages.
	Mine bool
}

// statusPage shows a request's status; p may carry a reply form coming
// back with an error.
func (c *centre) statusPage(w http.ResponseWriter, p *page, token string, v *requests.StatusView, status int) {
	p.Path = centreStatusURL(token)
	lang := p.Lang
	p.V["Token"] = token
	p.V["Reference"] = v.Reference
	p.V["Type"] = p.T(v.Type.LabelID())
	p.V["State"] = p.T(v.State.LabelID())
	p.V["Open"] = !v.State.Terminal()
	p.V["Received"] = requests.FormatDate(lang, v.ReceivedAt)
	p.V["Due"] = requests.FormatDate(lang, v.DueDate)
	p.V["Extended"] = v.ExtendedAt != nil
	p.V["ExtensionReason"] = v.ExtensionReason
	p.V["Closed"] = ""
	if v.ClosedAt != nil {
		p.V["Closed"] = requests.FormatDate(lang, *v.ClosedAt)
	}
	p.V["Outcome"] = ""
	if v.Outcome != "" {
		p.V["Outcome"] = p.T(v.Outcome.LabelID())
	}
	p.V["Rejected"] = v.State == requests.StateRejected
	p.V["RejectionReason"] = v.RejectionReason
	p.V["Authority"] = v.Authority
	p.V["AuthorityURL"] = v.AuthorityURL
	p.V["CanReply"] = v.CanReply
	p.V["CanWithdraw"] = v.CanWithdraw
	p.V["HasDownload"] = v.HasDownload
	p.V["Downloads"] = centreDownloads(p, v.Downloads)
	p.V["Messages"] = centreMessages(p, v.Messages)
	p.V["Identities"] = statusIdentities(p, v.Identities)
	p.V["ReplyMax"] = requests.MaxBodyLen
	c.render(w, status, "centre_status", p)
}

// centreMessages puts the visible timeline in the person's words, newest
// last, as a conversation reads.
func centreMessages(p *page, msgs []requests.StatusMessage) []centreMessage {
	out := make([]centreMessage, 0, len(msgs))
	for _, m := range msgs {
		cm := centreMessage{When: centreWhen(p, m.At), Body: m.Body}
		switch m.Kind {
		case requests.EventSubmitted:
			cm.Title = p.T("centre.status.msg.submitted")
		case requests.EventStateChanged:
			to, _ := m.Data["to"].(string)
			st := requests.State(to)
			if !st.Valid() {
				continue
			}
			cm.Title = p.T("centre.status.msg.state", "State", p.T(st.LabelID()))
		case requests.EventReply:
			cm.Title = p.T("centre.status.msg.reply")
		case requests.EventSubjectMessage:
			cm.Title, cm.Mine = p.T("centre.status.msg.mine"), true
		case requests.EventDelivered:
			last, _ := m.Data["last_day"].(string)
			d, err := time.Parse("2006-01-02", last)
			if err != nil {
				continue
			}
			cm.Title = p.T("centre.status.msg.delivered", "Date", requests.FormatDate(p.Lang, d))
		case requests.EventResultDownloaded:
			cm.Title = p.T("centre.status.msg.downloaded")
		case requests.EventExtended:
			to, _ := m.Data["to"].(string)
			d, err := time.Parse("2006-01-02", to)
			if err != nil {
				continue
			}
			cm.Title = p.T("centre.status.msg.extended", "Date", requests.FormatDate(p.Lang, d))
		default:
			cm.Title = p.T(m.Kind.LabelID())
		}
		out = append(out, cm)
	}
	return out
}

// centreWhen writes a moment as its date in the page's language and the
// time in UTC.
func centreWhen(p *page, t time.Time) string {
	return p.T("centre.status.when", "Date", requests.FormatDate(p.Lang, t), "Time", t.UTC().Format("15:04"))
}
