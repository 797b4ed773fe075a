package consent

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/testutil/dbtest"
)

type publicEnv struct {
	svc  *Service
	db   *db.DB
	site *Site
	mux  *http.ServeMux
}

func newPublicEnv(t *testing.T, perWindow int) *publicEnv {
	t.Helper()
	d := dbtest.Open(t, db.SQLite)
	svc, _ := newTestService(t, d)
	site, err := svc.CreateSite(t.Context(), "token:t", SiteInput{Name: "Shop", Origins: []string{"https://shop.example"}, NoticeVersion: "n1"})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	NewPublic(svc, PublicOptions{Catalog: i18n.MustLoad(), BaseURL: "https://privacy.example", EventsPerWindow: perWindow}).Register(mux)
	return &publicEnv{svc: svc, db: d, site: site, mux: mux}
}

func (e *publicEnv) post(t *testing.T, body string, hdr map[string]string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest("POST", "/consent/v1/sites/"+e.site.ID+"/events", strings.NewReader(body))
	r.Header.Set("Content-Type", "text/plain;charset=UTF-8")
	r.Header.Set("Origin", "https://shop.example")
	for k, v := range hdr {
		if v == "" {
			r.Header.Del(k)
		} else {
			r.Header.Set(k, v)
		}
	}
	w := httptest.NewRecorder()
	e.mux.ServeHTTP(w, r)
	return w
}

type publicError struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Details []struct {
			Location string `json:"location"`
			Message  string `json:"message"`
		} `json:"details"`
	} `json:"error"`
}

func errorOf(t *testing.T, w *httptest.ResponseRecorder) publicError {
	t.Helper()
	var e publicError
	if err := json.Unmarshal(w.Body.Bytes(), &e); err != nil || e.Error.Code == "" || e.Error.Message == "" ||
		strings.Contains(e.Error.Message, "error.") {
		t.Fatalf("not an error response: %d %s", w.Code, w.Body)
	}
	return e
}

const bannerBody = `{"device_id":"d-1","granted":["analytics","marketing"],"refused":["preferences"],"method":"express","source":"banner","language":"fr"}`

// TestPublicEventEndpoint: the banner's endpoint records for the site's
// origins only, answers CORS, refuses bad bodies with stable codes in the
// person's language, and never writes a partial event.
func TestPublicEventEndpoint(t *testing.T) {
	e := newPublicEnv(t, 100)
	w := e.post(t, bannerBody, nil)
	if w.Code != 201 || w.Header().Get("Access-Control-Allow-Origin") != "https://shop.example" {
		t.Fatalf("record: %d %s %v", w.Code, w.Body, w.Header())
	}
	if st, _ := e.svc.Check(t.Context(), Holder{DeviceID: "d-1"}, "marketing"); st.Decision != Granted {
		t.Fatalf("marketing: %+v", st)
	}

	cases := []struct {
		name   string
		body   string
		hdr    map[string]string
		status int
		code   string
	}{
		{"foreign origin", bannerBody, map[string]string{"Origin": "https://evil.example"}, 403, "consent.error.origin_refused"},
		{"malformed", `{"device_id":`, nil, 400, "request.malformed"},
		{"unknown field", `{"device_id":"d","subject_id":"cust-1","granted":["analytics"],"method":"express","source":"banner"}`, nil, 400, "request.malformed"},
		{"oversized", `{"device_id":"` + strings.Repeat("x", 5000) + `"}`, nil, 413, "request.body_too_large"},
		{"unknown purpose", `{"device_id":"d","granted":["mind_reading"],"method":"express","source":"banner"}`, nil, 422, "request.invalid"},
		{"api source", `{"device_id":"d","granted":["analytics"],"method":"express","source":"import"}`, nil, 422, "request.invalid"},
		{"no device", `{"granted":["analytics"],"method":"express","source":"banner"}`, nil, 422, "request.invalid"},
	}
	for _, c := range cases {
		w := e.post(t, c.body, c.hdr)
		if got := errorOf(t, w); w.Code != c.status || got.Error.Code != c.code {
			t.Errorf("%s: %d %s", c.name, w.Code, w.Body)
		}
	}
	w = e.post(t, `{"device_id":"d","granted":["mind_reading"],"method":"express","source":"banner"}`, map[string]string{"Accept-Language": "nl"})
	if got := errorOf(t, w); len(got.Error.Details) != 1 || got.Error.Details[0].Location != "body.granted" ||
		!strings.Contains(got.Error.Details[0].Message, "Onbekend doel") {
		t.Fatalf("dutch details: %s", w.Body)
	}
	if n := count(t, e.db, "SELECT COUNT(*) FROM consent_events"); n != 1 {
		t.Fatalf("%d events after the refusals", n)
	}

	// Preflight, for a banner posting JSON with its content type.
	r := httptest.NewRequest("OPTIONS", "/consent/v1/sites/"+e.site.ID+"/events", nil)
	r.Header.Set("Origin", "https://shop.example")
	pw := httptest.NewRecorder()
	e.mux.ServeHTTP(pw, r)
	if pw.Code != 204 || pw.Header().Get("Access-Control-Allow-Methods") != "POST" {
		t.Fatalf("preflight: %d %v", pw.Code, pw.Header())
	}
	r.Header.Set("Origin", "https://evil.example")
	pw = httptest.NewRecorder()
	e.mux.ServeHTTP(pw, r)
	if pw.Code != 403 || pw.Header().Get("Access-Control-Allow-Origin") != "" {
		t.Fatalf("foreign preflight: %d", pw.Code)
	}
	if w := e.post(t, bannerBody, nil); w.Code != 201 {
		t.Fatal(w.Code)
	}
	// Refused or recorded, no choice is left counted as arriving: a leak
	// would make every later commit wait for it.
	if n := e.svc.batch.arriving.Load(); n != 0 {
		t.Fatalf("%d choices still counted as arriving", n)
	}
}

// TestPublicEventsAreRateLimited: past the limit a client is refused with
// Retry-After; another client is not.
func TestPublicEventsAreRateLimited(t *testing.T) {
	e := newPublicEnv(t, 3)
	for i := range 3 {
		if w := e.post(t, bannerBody, nil); w.Code != 201 {
			t.Fatalf("event %d: %d", i, w.Code)
		}
	}
	w := e.post(t, bannerBody, nil)
	if got := errorOf(t, w); w.Code != 429 || got.Error.Code != "consent.error.rate_limited" || w.Header().Get("Retry-After") == "" {
		t.Fatalf("over the limit: %d %s", w.Code, w.Body)
	}
	r := httptest.NewRequest("POST", "/consent/v1/sites/"+e.site.ID+"/events", strings.NewReader(bannerBody))
	r.RemoteAddr = "198.51.100.7:5000"
	other := httptest.NewRecorder()
	e.mux.ServeHTTP(other, r)
	if other.Code != 201 {
		t.Fatalf("another client: %d", other.Code)
	}
	if n := count(t, e.db, "SELECT COUNT(*) FROM consent_events"); n != 4 {
		t.Fatalf("%d events", n)
	}
	if n := e.svc.batch.arriving.Load(); n != 0 {
		t.Fatalf("%d choices still counted as arriving", n)
	}
}

// TestSecGPCHeader: only an exact "1" is the signal; with it, sale,
// sharing and marketing are refused whatever the page sent.
func TestSecGPCHeader(t *testing.T) {
	for _, c := range []struct {
		values []string
		on     bool
	}{{nil, false}, {[]string{"1"}, true}, {[]string{"0"}, false}, {[]string{" 1"}, false}, {[]string{"1, 1"}, false},
		{[]string{"0", "1"}, true}, {[]string{"true"}, false}} {
		r := httptest.NewRequest("GET", "/", nil)
		for _, v := range c.values {
			r.Header.Add("Sec-GPC", v)
		}
		if GPCOn(r) != c.on {
			t.Errorf("Sec-GPC %q: on = %v", c.values, !c.on)
		}
	}
	e := newPublicEnv(t, 100)
	if w := e.post(t, bannerBody, map[string]string{"Sec-GPC": "1"}); w.Code != 201 {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
	evs, _ := e.svc.History(t.Context(), Holder{DeviceID: "d-1"}, 0)
	if len(evs) != 1 || !evs[0].GPC || !slices.Equal(purposeStrings(evs[0].Granted), []string{"analytics"}) ||
		!slices.Equal(purposeStrings(evs[0].Refused), []string{"preferences", "sale_sharing", "marketing"}) {
		t.Fatalf("event under Sec-GPC: %+v", evs)
	}
}

// TestPublicAssets: gpc.json has the members of the GPC specification, and
// the banner script and stylesheet load from any site.
func TestPublicAssets(t *testing.T) {
	e := newPublicEnv(t, 100)
	get := func(path string) *httptest.ResponseRecorder {
		w := httptest.NewRecorder()
		e.mux.ServeHTTP(w, httptest.NewRequest("GET", path, nil))
		return w
	}
	w := get("/.well-known/gpc.json")
	var doc map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &doc); err != nil || w.Code != 200 || w.Header().Get("Content-Type") != "application/json" {
		t.Fatalf("gpc.json: %d %s %v", w.Code, w.Body, err)
	}
	if doc["gpc"] != true || len(doc) != 2 {
		t.Fatalf("gpc.json members: %v", doc)
	}
	if d, ok := doc["lastUpdate"].(string); !ok || len(d) != 10 || d[4] != '-' || d[7] != '-' {
		t.Fatalf("lastUpdate: %v", doc["lastUpdate"])
	}

	w = get(BannerPath + "?site=" + e.site.ID)
	js, _ := io.ReadAll(w.Body)
	if w.Code != 200 || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/javascript") ||
		w.Header().Get("Cross-Origin-Resource-Policy") != "cross-origin" ||
		!strings.Contains(string(js), `"e":"https://privacy.example/consent/v1/sites/`+e.site.ID+`/events"`) ||
		!strings.Contains(string(js), `"fr":{"title":"Vos choix`) || !strings.HasSuffix(string(js), ");\n") {
		t.Fatalf("banner.js: %d %v %.300s", w.Code, w.Header(), js)
	}
	etag := w.Header().Get("ETag")
	r := httptest.NewRequest("GET", BannerPath+"?site="+e.site.ID, nil)
	r.Header.Set("If-None-Match", etag)
	again := httptest.NewRecorder()
	e.mux.ServeHTTP(again, r)
	if etag == "" || again.Code != 304 || again.Body.Len() != 0 {
		t.Fatalf("revalidation: %q %d", etag, again.Code)
	}
	if w := get(BannerPath + "?site=nope"); w.Code != 404 {
		t.Fatalf("unknown site: %d", w.Code)
	}
	if w := get(BannerCSSPath); w.Code != 200 || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/css") || !strings.Contains(w.Body.String(), ".gb-btn") {
		t.Fatalf("banner.css: %d", w.Code)
	}
}
