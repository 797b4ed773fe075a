package web

import (
	"bytes"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"github.com/garde-privacy/garde/internal/audit"
	"github.com/garde-privacy/garde/internal/config"
	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/docs"
	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/inventory"
	"github.com/garde-privacy/garde/internal/jobs"
	"github.com/garde-privacy/garde/internal/mail"
	"github.com/garde-privacy/garde/internal/operator"
	"github.com/garde-privacy/garde/internal/testutil/dbtest"
)

// inventoryEnv is the back office with the inventory and documents wired
// as the application wires them.
type inventoryEnv struct {
	*env
	inv  *inventory.Service
	docs *docs.Service
}

func newInventoryEnv(t *testing.T) *inventoryEnv {
	t.Helper()
	d := dbtest.Open(t, db.SQLite)
	cat := i18n.MustLoad()
	logs := &logRecorder{}
	log := slog.New(logs)
	aud := audit.New(d)
	ops := operator.NewService(d, aud, time.Hour)
	q := jobs.New(d, log)
	outbox := mail.NewOutbox(d, q, cat, nil, log)
	if err := q.Build(jobs.Options{}); err != nil {
		t.Fatal(err)
	}
	invs := inventory.NewService(d, aud)
	ds := docs.NewService(d, invs, docs.NewRenderer(cat), aud)
	cfg := &config.Config{Addr: "127.0.0.1:8080", DefaultLanguage: "en", SecureCookies: "false", SessionTTL: time.Hour}
	h, err := New(Deps{Config: cfg, Catalog: cat, DB: d, Operators: ops, Audit: aud, Outbox: outbox, Log: log,
		Inventory: invs, Docs: ds})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	e := &env{t: t, srv: srv, db: d, cat: cat, ops: ops, audit: aud, outbox: outbox, logs: logs,
		users: map[operator.Role]*operator.Operator{}}
	t.Cleanup(func() { logs.assertClean(t) })
	e.seed()
	return &inventoryEnv{env: e, inv: invs, docs: ds}
}

func exampleInventoryFile(t *testing.T) []byte {
	t.Helper()
	data, err := os.ReadFile("../../examples/inventory-montreal-shop.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// uploadInventory posts a file as the import form's file input does.
func (c *client) uploadInventory(path, field, name string, content []byte) *response {
	c.e.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, err := mw.CreateFormFile(field, name)
	if err != nil {
		c.e.t.Fatal(err)
	}
	_, _ = fw.Write(content)
	_ = mw.WriteField("yaml", "")
	_ = mw.Close()
	req, err := http.NewRequest(http.MethodPost, c.e.srv.URL+path, &body)
	if err != nil {
		c.e.t.Fatal(err)
	}
	for k, vs := range c.header {
		req.Header[k] = vs
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := c.http.Do(req)
	if err != nil {
		c.e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.e.t.Fatal(err)
	}
	return &response{Response: resp, body: string(b)}
}
