package web

import "net/http"

// indexShow is the centre's home: the person's rights in a few lines and
// the way to the request form.
func (c *centre) indexShow(w http.ResponseWriter, r *http.Request) {
	p := c.newPage(w, r, "")
	p.V["Types"] = centreTypes(p, "")
	c.render(w, http.StatusOK, "centre_index", p)
}
