package web

import (
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/garde-privacy/garde/internal/inventory"
)

// inventoryImport saves a YAML inventory, uploaded as a file or pasted. A
// refused file is shown again with every reason, each with its line.
func (h *handler) inventoryImport(w http.ResponseWriter, r *http.Request) {
	st := h.stateOf(r)
	p := h.newPage(w, r, "inventory")
	p.Path = "/inventory"
	name, data, err := inventoryUpload(r)
	if err == nil {
		_, _, err = h.Inventory.Import(r.Context(), "operator:"+st.op.ID, name, data)
	}
	if err != nil {
		var fe inventory.FileErrors
		switch {
		case errors.As(err, &fe):
			lines := make([]string, len(fe))
			for i, e := range fe {
				lines[i] = e.Localize(p.lz)
			}
			p.V["FileErrors"] = lines
			p.V["ImportError"] = p.T("inventory.error.refused")
		default:
			if _, ok := asLocalized(err); !ok {
				h.serverError(w, r, err)
				return
			}
			p.V["ImportError"] = p.Msg(err)
		}
		h.renderInventory(w, r, http.StatusUnprocessableEntity, p)
		return
	}
	h.setFlash(w, "ok", "inventory.web.flash.imported")
	seeOther(w, r, "/inventory")
}

// inventoryUpload reads the "file" part, or else the "yaml" field.
func inventoryUpload(r *http.Request) (string, []byte, error) {
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		if err := r.ParseMultipartForm(inventory.MaxFileSize); err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				return "", nil, inventory.ErrTooLarge
			}
			return "", nil, inventory.ErrEmptyFile
		}
		if file, hdr, err := r.FormFile("file"); err == nil {
			defer file.Close()
			data, err := io.ReadAll(io.LimitReader(file, inventory.MaxFileSize+1))
			if err != nil {
				return "", nil, inventory.ErrEmptyFile
			}
			if len(strings.TrimSpace(string(data))) > 0 {
				return hdr.Filename, data, nil
			}
		}
	} else if err := r.ParseForm(); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return "", nil, inventory.ErrTooLarge
		}
		return "", nil, inventory.ErrEmptyFile
	}
	text := r.PostFormValue("yaml")
	if strings.TrimSpace(text) == "" {
		return "", nil, inventory.ErrNoFile
	}
	return "pasted.yaml", []byte(text), nil
}
