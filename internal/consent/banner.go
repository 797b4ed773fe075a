package consent

import (
	"bytes"
	"embed"
	"encoding/json"
	"strings"

	"github.com/garde-privacy/garde/internal/i18n"
)

// Public paths of the banner and its ledger endpoint.
const (
	BannerPath    = "/banner.js"
	BannerCSSPath = "/banner.css"
	// EventsPath is where the banner posts choices, per site.
	EventsPath  = "/consent/v1/sites/{site}/events"
	GPCPath     = "/.well-known/gpc.json"
	cookieName  = CookieName
	bannerTexts = "consent.banner."
)

//go:embed banner/banner.js banner/banner.css
var bannerFiles embed.FS

var bannerJS, bannerCSS = mustCompact("banner/banner.js"), mustCompact("banner/banner.css")

// mustCompact reads an embedded asset without its header comment and
// indentation: the files are written to be read, the wire gets the bytes
// that matter. Neither file has multi-line strings, so this is safe.
func mustCompact(name string) []byte {
	b, err := bannerFiles.ReadFile(name)
	if err != nil {
		panic(err)
	}
	s := string(b)
	if strings.HasPrefix(s, "/*") {
		s = s[strings.Index(s, "*/")+2:]
	}
	var out bytes.Buffer
	for _, line := range strings.Split(s, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			out.WriteString(line)
			out.WriteByte('\n')
		}
	}
	return out.Bytes()
}

// CookieName is the first-party cookie in which the banner keeps the
// choice of a browser.
const CookieName = "garde_consent"

// bannerConfig is what the script receives as C.
type bannerConfig struct {
	Site     string                 `json:"s"`
	Events   string                 `json:"e"`
	CSS      string                 `json:"k"`
	Notice   string                 `json:"v"`
	Months   int                    `json:"m"`
	Policy   string                 `json:"p"`
	Purposes []string               `json:"c"`
	Texts    map[string]bannerWords `json:"t"`
}

// bannerWords are the texts of one language.
type bannerWords struct {
	Title       string               `json:"title"`
	Text        string               `json:"text"`
	AcceptAll   string               `json:"accept_all"`
	RefuseAll   string               `json:"refuse_all"`
	Choose      string               `json:"choose"`
	Save        string               `json:"save"`
	DialogTitle string               `json:"dialog_title"`
	Policy      string               `json:"policy"`
	AlwaysOn    string               `json:"always_on"`
	GPC         string               `json:"gpc"`
	Purposes    map[string][2]string `json:"purposes"`
}

// BannerScript returns the script of one site: the embedded code called
// with the site's configuration and texts in the three languages.
func BannerScript(cat *i18n.Catalog, site *Site, baseURL string) []byte {
	cfg := bannerConfig{Site: site.ID, Events: baseURL + strings.Replace(EventsPath, "{site}", site.ID, 1),
		CSS: baseURL + BannerCSSPath, Notice: site.NoticeVersion, Months: site.ReaskMonths, Policy: site.PolicyURL,
		Purposes: purposeStrings(site.Purposes), Texts: map[string]bannerWords{}}
	for _, l := range []i18n.Lang{i18n.EN, i18n.FR, i18n.NL} {
		lz := cat.For(l)
		w := bannerWords{Title: lz.T(bannerTexts + "title"), Text: lz.T(bannerTexts + "text"),
			AcceptAll: lz.T(bannerTexts + "accept_all"), RefuseAll: lz.T(bannerTexts + "refuse_all"),
			Choose: lz.T(bannerTexts + "choose"), Save: lz.T(bannerTexts + "save"),
			DialogTitle: lz.T(bannerTexts + "dialog_title"), Policy: lz.T(bannerTexts + "policy"),
			AlwaysOn: lz.T(bannerTexts + "always_on"), GPC: lz.T(bannerTexts + "gpc"), Purposes: map[string][2]string{}}
		for _, p := range site.Purposes {
			id := "consent.purpose." + string(p)
			if cat.Has(l, id) {
				w.Purposes[string(p)] = [2]string{lz.T(id), lz.T(id + ".help")}
			}
		}
		cfg.Texts[string(l)] = w
	}
	b, err := json.Marshal(cfg)
	if err != nil {
		panic(err) // only strings and ints: cannot fail
	}
	out := make([]byte, 0, len(bannerJS)+len(b)+3)
	out = append(out, bannerJS...)
	out = append(out, b...)
	return append(out, ");\n"...)
}

// BannerCSS is the banner's stylesheet.
func BannerCSS() []byte { return bannerCSS }
