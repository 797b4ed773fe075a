package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"mime"
	"net/http"
	"path"
)

//go:embed static
var staticFiles embed.FS

// cssVersion changes with the stylesheet, so its URL can be cached for long.
var cssVersion = func() string {
	b, err := staticFiles.ReadFile("static/garde.css")
	if err != nil {
		panic("web: static/garde.css is not embedded")
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:6])
}()

func (h *handler) staticServe(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("file")
	b, err := staticFiles.ReadFile("static/" + name)
	if err != nil || name != path.Base(name) {
		http.NotFound(w, r)
		return
	}
	ct := mime.TypeByExtension(path.Ext(name))
	if ct == "" {
		ct = "application/octet-stream"
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	_, _ = w.Write(b)
}
