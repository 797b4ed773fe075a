package web

import (
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/garde-privacy/garde/internal/consent"
	"github.com/garde-privacy/garde/internal/requests"
)

// maxUploadBody is the body an attachment upload may send: the largest
// file and room for the multipart framing. Every other form but the
// newsletter import keeps the small limit of maxBody.
const maxUploadBody = requests.MaxAttachmentSize + 64<<10

// maxNewsletterBody is the body a subscriber list import may send: the
// largest list the service takes and room for the multipart framing.
const maxNewsletterBody = consent.MaxImportBytes + 64<<10

// bodyLimit is the largest body accepted for r.
func bodyLimit(r *http.Request) int64 {
	switch {
	case r.Method != http.MethodPost:
	case strings.HasPrefix(r.URL.Path, requests.PathRequest) && strings.HasSuffix(r.URL.Path, "/attachments"):
		return maxUploadBody
	case r.URL.Path == newsletterPath+"/import":
		return maxNewsletterBody
	}
	return maxBody
}

// requestAttachmentUpload adds a file (a scan of an identity document, a
// letter) to the request. The service checks its type from its content.
func (h *handler) requestAttachmentUpload(w http.ResponseWriter, r *http.Request) {
	f := &form{Values: map[string]string{}}
	h.requestAction(w, r, f, "web.requests.flash.attachment_added", "attachment-file", nil, func(a requests.Actor, id string) error {
		name, content, err := uploadedFile(r)
		if err != nil {
			return err
		}
		_, err = h.Requests.AddAttachment(r.Context(), a, id, name, content)
		return err
	})
}

// uploadedFile reads the "file" part of a multipart form, refusing more
// than the service accepts without reading further.
func uploadedFile(r *http.Request) (string, []byte, error) {
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return "", nil, requests.ErrAttachmentTooLarge
		}
		return "", nil, requests.ErrAttachmentEmpty
	}
	file, hdr, err := r.FormFile("file")
	if err != nil {
		return "", nil, requests.ErrAttachmentEmpty
	}
	defer file.Close()
	content, err := io.ReadAll(io.LimitReader(file, requests.MaxAttachmentSize+1))
	if err != nil {
		return "", nil, requests.ErrAttachmentEmpty
	}
	return hdr.Filename, content, nil
}
