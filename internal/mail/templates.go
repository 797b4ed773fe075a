package mail

// Garde's own emails. Other domains register theirs the same way, next to
// the code that sends them.
const (
	// TemplateTest checks the SMTP settings. Data: none.
	TemplateTest = "test"
	// TemplateOperatorInvite invites a new operator. Data: SetupURL
	// (Secret, http/https: the link carries the setup token, so it must
	// not stay in the outbox), InvitedBy (string), ExpiresAt (time.Time).
	TemplateOperatorInvite = "operator_invite"
	// TemplatePasswordChanged warns an operator that their password
	// changed. Data: Name (string), When (time.Time).
	TemplatePasswordChanged = "password_changed"
)

func init() {
	Register(TemplateTest, Spec{
		Subject:    "mail.test.subject",
		Paragraphs: []string{"mail.test.body", "mail.test.body_next"},
	}.Render)
	Register(TemplateOperatorInvite, Spec{
		Subject:    "mail.operator_invite.subject",
		Paragraphs: []string{"mail.operator_invite.body", "mail.operator_invite.expiry"},
		Action:     &Action{Label: "mail.operator_invite.action", URLKey: "SetupURL"},
		Closing:    []string{"mail.operator_invite.unexpected"},
		Required:   []string{"SetupURL", "InvitedBy", "ExpiresAt"},
		Secrets:    []string{"SetupURL"},
	}.Render)
	Register(TemplatePasswordChanged, Spec{
		Subject:    "mail.password_changed.subject",
		Paragraphs: []string{"mail.password_changed.greeting", "mail.password_changed.body", "mail.password_changed.warning"},
		Required:   []string{"Name", "When"},
	}.Render)
}
