package web

import (
	"net/http"

	"github.com/garde-privacy/garde/internal/requests"
)

// centreFormFields are the request form's inputs in the order it shows
// them: the input's name (the request service's field) and its id.
var centreFormFields = []struct{ name, id string }{
	{requests.FieldEmail, "req-email"},
	{requests.FieldName, "req-name"},
	{requests.FieldPhone, "req-phone"},
	{requests.FieldRegion, "req-region"},
	{requests.FieldSubject, "req-subject"},
	// The error of the type links to its first radio.
	{requests.FieldType, "req-type-access"},
	{requests.FieldDescription, "req-description"},
	{requests.FieldAccountID, "req-account-id"},
}

// formShow is the request form.
func (c *centre) formShow(w http.ResponseWriter, r *http.Request) {
	p := c.newPage(w, r, "")
	c.formValues(p)
	c.render(w, http.StatusOK, "centre_form", p)
}

// formValues gives the form's choices, with what was picked before when
// the form comes back with errors.
func (c *centre) formValues(p *page) {
	var region, typ string
	if p.Form != nil {
		region, typ = p.Form.Values[requests.FieldRegion], p.Form.Values[requests.FieldType]
	}
	p.V["Regions"] = centreRegions(p, region)
	p.V["RegionPicked"] = region != ""
	p.V["Types"] = centreTypes(p, typ)
	p.V["DescriptionMax"] = requests.MaxDescriptionLen
}
