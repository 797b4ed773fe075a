package requests

import (
	"fmt"
	htmltemplate "html/template"
	"strings"
	"time"

	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/mail"
)

// The emails of the request workflow. Texts are catalog entries under
// requests.mail.<template>.*; data keys are listed with each name. Links
// that work on their own (VerifyURL, StatusURL, TaskURL) and the Code are
// mail.Secret values.
const (
	// TemplateVerify asks the person to confirm their address. Data: Name,
	// Reference, Type, VerifyURL, Code, ExpiresAt (time.Time).
	TemplateVerify = "request_verify"
	// TemplateAcknowledge confirms receipt once verified. Data: Name,
	// Reference, Type, DueDate (time.Time), StatusURL.
	TemplateAcknowledge = "request_acknowledge"
	// TemplateExtension tells the person the deadline moved. Data: Name,
	// Reference, Type, DueDate, Reason, StatusURL.
	TemplateExtension = "request_extension"
	// TemplateRejection refuses a request. Data: Name, Reference, Type,
	// Reason, Authority, AuthorityURL (may be empty), StatusURL.
	TemplateRejection = "request_rejection"
	// TemplateReply carries an agent's message. Data: Name, Reference,
	// Type, Body, StatusURL.
	TemplateReply = "request_reply"
	// TemplateClosure says a request is finished. Data: Name, Reference,
	// Type, Outcome, Note (may be empty), StatusURL.
	TemplateClosure = "request_closure"
	// TemplateTask asks a system's owner to act. Data: System, Reference,
	// Type, DueDate, TaskURL.
	TemplateTask = "request_task"
	// TemplateReminder reminds agents of a due date. Data: Reference,
	// Type, DueDate, DaysLeft (int; negative when overdue), Overdue (bool),
	// RequestURL.
	TemplateReminder = "request_reminder"
	// TemplateSubjectMessage tells agents the person wrote. Data:
	// Reference, Type, RequestURL.
	TemplateSubjectMessage = "request_subject_message"
	// TemplateClarification asks the person to clarify their request while
	// the clock stands still. Data: Name, Reference, Type, Question,
	// StatusURL.
	TemplateClarification = "request_clarification"
	// TemplateAssigned tells an agent a request was given to them. Data:
	// Reference, Type, DueDate, RequestURL.
	TemplateAssigned = "request_assigned"
	// TemplateDelivery tells the person their result can be downloaded.
	// Data: Name, Reference, Type, Message (may be empty), LastDate
	// (time.Time, the last day of the download), StatusURL.
	TemplateDelivery = "request_delivery"
)

// parts are the pieces of one email, chosen from its data: catalog IDs for
// the subject and paragraphs, and a quoted text (an agent's or a person's
// words, shown as written).
type parts struct {
	Subject  string
	Head     []string
	Quote    string
	Action   *mail.Action
	Tail     []string
	Required []string
}

// secretKeys are the data keys holding working links or codes: they must be
// mail.Secret values, so the stored copy of a sent email loses them.
var secretKeys = []string{"VerifyURL", "Code", "StatusURL", "TaskURL"}

func init() {
	register(TemplateVerify, func(v map[string]any) parts {
		return parts{
			Subject:  "requests.mail.verify.subject",
			Head:     []string{"requests.mail.greeting", "requests.mail.verify.body"},
			Action:   &mail.Action{Label: "requests.mail.verify.action", URLKey: "VerifyURL"},
			Tail:     []string{"requests.mail.verify.code", "requests.mail.verify.expiry", "requests.mail.verify.ignore"},
			Required: []string{"Name", "Reference", "Type", "VerifyURL", "Code", "ExpiresAt"},
		}
	})
	register(TemplateAcknowledge, func(v map[string]any) parts {
		return parts{
			Subject:  "requests.mail.acknowledge.subject",
			Head:     []string{"requests.mail.greeting", "requests.mail.acknowledge.body", "requests.mail.acknowledge.due", "requests.mail.acknowledge.next"},
			Action:   followAction,
			Required: []string{"Name", "Reference", "Type", "DueDate", "StatusURL"},
		}
	})
	register(TemplateExtension, func(v map[string]any) parts {
		p := parts{
			Subject:  "requests.mail.extension.subject",
			Head:     []string{"requests.mail.greeting", "requests.mail.extension.body", "requests.mail.extension.reason"},
			Quote:    str(v["Reason"]),
			Action:   followAction,
			Required: []string{"Name", "Reference", "Type", "DueDate", "Reason", "StatusURL"},
		}
		if c := complaint(v); c != "" {
			p.Tail = []string{c}
		}
		return p
	})
	register(TemplateRejection, func(v map[string]any) parts {
		p := parts{
			Subject:  "requests.mail.rejection.subject",
			Head:     []string{"requests.mail.greeting", "requests.mail.rejection.body", "requests.mail.rejection.reason"},
			Quote:    str(v["Reason"]),
			Action:   followAction,
			Required: []string{"Name", "Reference", "Type", "Reason", "StatusURL"},
		}
		if c := complaint(v); c != "" {
			p.Tail = []string{c, "requests.mail.rejection.courts"}
		} else {
			p.Tail = []string{"requests.mail.rejection.complaint_generic"}
		}
		return p
	})
	register(TemplateReply, func(v map[string]any) parts {
		return parts{
			Subject:  "requests.mail.reply.subject",
			Head:     []string{"requests.mail.greeting", "requests.mail.reply.intro"},
			Quote:    str(v["Body"]),
			Action:   &mail.Action{Label: "requests.mail.reply.action", URLKey: "StatusURL"},
			Tail:     []string{"requests.mail.reply.how"},
			Required: []string{"Name", "Reference", "Type", "Body", "StatusURL"},
		}
	})
	register(TemplateClosure, func(v map[string]any) parts {
		p := parts{
			Subject:  "requests.mail.closure.subject",
			Head:     []string{"requests.mail.greeting", "requests.mail.closure.outcome." + str(v["Outcome"])},
			Action:   followAction,
			Tail:     []string{"requests.mail.closure.thanks"},
			Required: []string{"Name", "Reference", "Type", "Outcome", "StatusURL"},
		}
		if note := str(v["Note"]); note != "" {
			p.Head = append(p.Head, "requests.mail.closure.note")
			p.Quote = note
		}
		return p
	})
	register(TemplateTask, func(v map[string]any) parts {
		return parts{
			Subject:  "requests.mail.task.subject",
			Head:     []string{"requests.mail.task.body", "requests.mail.task.how"},
			Action:   &mail.Action{Label: "requests.mail.task.action", URLKey: "TaskURL"},
			Tail:     []string{"requests.mail.task.private"},
			Required: []string{"System", "Reference", "Type", "DueDate", "TaskURL"},
		}
	})
	register(TemplateReminder, func(v map[string]any) parts {
		p := parts{
			Subject:  "requests.mail.reminder.subject_soon",
			Head:     []string{"requests.mail.reminder.soon"},
			Action:   &mail.Action{Label: "requests.mail.open_request", URLKey: "RequestURL"},
			Required: []string{"Reference", "Type", "DueDate", "RequestURL"},
		}
		if over, _ := v["Overdue"].(bool); over {
			p.Subject, p.Head = "requests.mail.reminder.subject_overdue", []string{"requests.mail.reminder.overdue"}
		}
		return p
	})
	register(TemplateClarification, func(v map[string]any) parts {
		return parts{
			Subject:  "requests.mail.clarification.subject",
			Head:     []string{"requests.mail.greeting", "requests.mail.clarification.body"},
			Quote:    str(v["Question"]),
			Action:   &mail.Action{Label: "requests.mail.reply.action", URLKey: "StatusURL"},
			Tail:     []string{"requests.mail.clarification.clock", "requests.mail.reply.how"},
			Required: []string{"Name", "Reference", "Type", "Question", "StatusURL"},
		}
	})
	register(TemplateAssigned, func(v map[string]any) parts {
		return parts{
			Subject:  "requests.mail.assigned.subject",
			Head:     []string{"requests.mail.assigned.body"},
			Action:   &mail.Action{Label: "requests.mail.open_request", URLKey: "RequestURL"},
			Required: []string{"Reference", "Type", "DueDate", "RequestURL"},
		}
	})
	register(TemplateDelivery, func(v map[string]any) parts {
		p := parts{
			Subject:  "requests.mail.delivery.subject",
			Head:     []string{"requests.mail.greeting", "requests.mail.delivery.body"},
			Action:   &mail.Action{Label: "requests.mail.delivery.action", URLKey: "StatusURL"},
			Tail:     []string{"requests.mail.delivery.expiry", "requests.mail.delivery.private"},
			Required: []string{"Name", "Reference", "Type", "LastDate", "StatusURL"},
		}
		if msg := str(v["Message"]); msg != "" {
			p.Head = append(p.Head, "requests.mail.delivery.message")
			p.Quote = msg
		}
		return p
	})
	register(TemplateSubjectMessage, func(v map[string]any) parts {
		return parts{
			Subject:  "requests.mail.subject_message.subject",
			Head:     []string{"requests.mail.subject_message.body"},
			Action:   &mail.Action{Label: "requests.mail.open_request", URLKey: "RequestURL"},
			Required: []string{"Reference", "Type", "RequestURL"},
		}
	})
}

// complaint is the paragraph naming the authority, if the law has one.
func complaint(v map[string]any) string {
	switch {
	case str(v["Authority"]) == "":
		return ""
	case str(v["AuthorityURL"]) == "":
		return "requests.mail.complaint_short"
	}
	return "requests.mail.complaint"
}

var followAction = &mail.Action{Label: "requests.mail.follow", URLKey: "StatusURL"}

// register adds a template built from parts: the head paragraphs, the
// quoted text, then the button and the closing paragraphs, in Garde's
// usual email style.
func register(name string, build func(v map[string]any) parts) {
	mail.Register(name, func(lz *i18n.Localizer, data map[string]any) (string, string, string, error) {
		vars := localizeVars(lz, data)
		p := build(vars)
		head := mail.Spec{Subject: p.Subject, Paragraphs: p.Head, Required: p.Required, Secrets: secretKeys}
		subject, text, html, err := head.Render(lz, vars)
		if err != nil {
			return "", "", "", err
		}
		if p.Quote != "" {
			qt, qh := quote(p.Quote)
			text, html = text+qt, html+qh
		}
		tail := mail.Spec{Subject: p.Subject, Action: p.Action, Closing: p.Tail, Secrets: secretKeys}
		_, tt, th, err := tail.Render(lz, vars)
		if err != nil {
			return "", "", "", err
		}
		return subject, text + tt, html + th, nil
	})
}

// localizeVars adds the words that depend on the language: the request
// type, the outcome, and dates (keys ending in Date) written out.
func localizeVars(lz *i18n.Localizer, data map[string]any) map[string]any {
	vars := make(map[string]any, len(data)+4)
	for k, v := range data {
		if t, ok := v.(time.Time); ok && strings.HasSuffix(k, "Date") {
			v = FormatDate(lz.Lang, t)
		}
		vars[k] = v
	}
	if t := str(data["Type"]); t != "" {
		vars["TypeLabel"] = lz.T(Type(t).LabelID())
		vars["TypePhrase"] = lz.T("requests.type_phrase." + t)
	}
	// The day count is translated on its own: a Count among the shared
	// data would make go-i18n look for plural forms in every message.
	if n, ok := data["DaysLeft"].(int); ok && n >= 0 {
		vars["DaysLeftText"] = lz.T("requests.mail.reminder.days", map[string]any{"Count": n})
	}
	return vars
}

// quote shows someone's words as written: one paragraph per blank-line
// block, line breaks kept, everything escaped.
func quote(s string) (text, html string) {
	var h strings.Builder
	h.WriteString(`<blockquote style="margin:0 0 16px;padding:8px 16px;border-left:3px solid #d4d4d8;color:#27272a">`)
	for _, block := range strings.Split(strings.TrimSpace(s), "\n\n") {
		block = strings.TrimSpace(block)
		if block == "" {
			continue
		}
		lines := strings.Split(block, "\n")
		for i := range lines {
			lines[i] = htmltemplate.HTMLEscapeString(lines[i])
		}
		h.WriteString(`<p style="margin:8px 0">` + strings.Join(lines, "<br>") + `</p>`)
	}
	h.WriteString("</blockquote>\n")
	var t strings.Builder
	for _, l := range strings.Split(strings.TrimSpace(s), "\n") {
		t.WriteString("> " + l + "\n")
	}
	t.WriteString("\n")
	return t.String(), h.String()
}

func str(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	if v == nil {
		return ""
	}
	return fmt.Sprint(v)
}

var monthNames = map[i18n.Lang][12]string{
	i18n.EN: {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
	i18n.FR: {"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"},
	i18n.NL: {"januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"},
}

// FormatDate writes a civil date the way lang does: 2 March 2026,
// 1er mars 2026, 2 maart 2026.
func FormatDate(lang i18n.Lang, t time.Time) string {
	names, ok := monthNames[lang]
	if !ok {
		names, lang = monthNames[i18n.EN], i18n.EN
	}
	day := fmt.Sprint(t.Day())
	if lang == i18n.FR && t.Day() == 1 {
		day = "1er"
	}
	return day + " " + names[t.Month()-1] + " " + fmt.Sprint(t.Year())
}
