package consent

import (
	"context"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/garde-privacy/garde/internal/db"
)

// SiteInput configures a site showing the banner.
type SiteInput struct {
	Name          string
	Origins       []string
	Purposes      []string // DefaultPurposes when empty
	NoticeVersion string
	ReaskMonths   int // DefaultReaskMonths when 0
	PolicyURL     string
}

func (in SiteInput) validate() (*Site, error) {
	fe := FieldErrors{}
	st := &Site{Name: strings.TrimSpace(in.Name), NoticeVersion: strings.TrimSpace(in.NoticeVersion),
		ReaskMonths: in.ReaskMonths, PolicyURL: strings.TrimSpace(in.PolicyURL)}
	switch {
	case st.Name == "":
		fe.add(FieldName, "consent.error.site_name_required")
	case len(st.Name) > MaxSiteNameLen:
		fe.add(FieldName, "consent.error.site_name_long", map[string]any{"Max": MaxSiteNameLen})
	}
	if len(in.Origins) == 0 || len(in.Origins) > MaxOrigins {
		fe.add(FieldOrigins, "consent.error.origins_count", map[string]any{"Max": MaxOrigins})
	}
	for _, o := range in.Origins {
		norm, ok := normalOrigin(o)
		if !ok {
			fe.add(FieldOrigins, "consent.error.origin_invalid", map[string]any{"Origin": truncate(o, 80)})
			continue
		}
		if !slices.Contains(st.Origins, norm) {
			st.Origins = append(st.Origins, norm)
		}
	}
	if len(in.Purposes) == 0 {
		st.Purposes = slices.Clone(DefaultPurposes)
	}
	if len(in.Purposes) > MaxPurposes {
		fe.add(FieldPurposes, "consent.error.purposes_many", map[string]any{"Max": MaxPurposes})
	}
	for _, p := range in.Purposes {
		switch {
		case !validPurposeName(p):
			fe.add(FieldPurposes, "consent.error.purpose_name_invalid", map[string]any{"Purpose": truncate(p, 40)})
		case slices.Contains(st.Purposes, Purpose(p)):
			fe.add(FieldPurposes, "consent.error.purpose_twice", map[string]any{"Purpose": p})
		default:
			st.Purposes = append(st.Purposes, Purpose(p))
		}
	}
	if len(in.Purposes) > 0 && !slices.Contains(st.Purposes, Necessary) {
		st.Purposes = append([]Purpose{Necessary}, st.Purposes...)
	}
	switch {
	case st.NoticeVersion == "":
		fe.add(FieldNotice, "consent.error.notice_required")
	case len(st.NoticeVersion) > MaxNoticeLen:
		fe.add(FieldNotice, "consent.error.notice_long", map[string]any{"Max": MaxNoticeLen})
	}
	if st.ReaskMonths == 0 {
		st.ReaskMonths = DefaultReaskMonths
	}
	if st.ReaskMonths < 1 || st.ReaskMonths > MaxReaskMonths {
		fe.add(FieldReask, "consent.error.reask_invalid", map[string]any{"Max": MaxReaskMonths})
	}
	if st.PolicyURL != "" {
		u, err := url.Parse(st.PolicyURL)
		if err != nil || len(st.PolicyURL) > MaxURLLen || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			fe.add(FieldPolicy, "consent.error.policy_url_invalid")
		}
	}
	if len(fe) > 0 {
		return nil, fe
	}
	return st, nil
}

// normalOrigin reads "https://shop.example:8443" (a trailing slash is
// forgiven) as the Origin header a browser sends.
func normalOrigin(s string) (string, bool) {
	u, err := url.Parse(strings.TrimSuffix(strings.TrimSpace(s), "/"))
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.Path != "" ||
		u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return "", false
	}
	return strings.ToLower(u.Scheme + "://" + u.Host), true
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// CreateSite adds a site.
func (s *Service) CreateSite(ctx context.Context, actor string, in SiteInput) (*Site, error) {
	st, err := in.validate()
	if err != nil {
		return nil, err
	}
	now := s.now().UTC().Truncate(time.Microsecond)
	st.ID, st.CreatedAt, st.UpdatedAt = newID(), now, now
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := s.store.InsertSite(ctx, tx, st); err != nil {
			return err
		}
		_, err := s.audit.Record(ctx, tx, actor, "consent.site_created", "consent_site:"+st.ID, map[string]any{"name": st.Name})
		return err
	})
	if err != nil {
		return nil, err
	}
	return st, nil
}

// UpdateSite replaces a site's configuration. A new notice version makes
// the banner ask everyone again.
func (s *Service) UpdateSite(ctx context.Context, actor, id string, in SiteInput) (*Site, error) {
	old, err := s.Site(ctx, id)
	if err != nil {
		return nil, err
	}
	st, err := in.validate()
	if err != nil {
		return nil, err
	}
	st.ID, st.CreatedAt, st.UpdatedAt = old.ID, old.CreatedAt, s.now().UTC().Truncate(time.Microsecond)
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := s.store.UpdateSite(ctx, tx, st); err != nil {
			return err
		}
		_, err := s.audit.Record(ctx, tx, actor, "consent.site_updated", "consent_site:"+st.ID,
			map[string]any{"name": st.Name, "notice_version": st.NoticeVersion})
		return err
	})
	if err != nil {
		return nil, err
	}
	// This instance serves the change at once.
	s.sites.Delete(id)
	return st, nil
}

// siteTTL is how long a site's configuration is reused from memory: every
// banner load and every choice needs it, and a change made on another
// instance shows within that time.
const siteTTL = 10 * time.Second

type cachedSite struct {
	site *Site
	at   time.Time
}

// Site returns a site's configuration. Callers must not change it.
func (s *Service) Site(ctx context.Context, id string) (*Site, error) {
	if len(id) > 64 || id == "" {
		return nil, ErrSiteNotFound
	}
	if c, ok := s.sites.Load(id); ok && time.Since(c.(cachedSite).at) < siteTTL {
		return c.(cachedSite).site, nil
	}
	st, err := s.store.GetSite(ctx, id)
	if err != nil {
		return nil, err
	}
	s.sites.Store(id, cachedSite{site: st, at: time.Now()})
	return st, nil
}

// Sites lists every site.
func (s *Service) Sites(ctx context.Context) ([]Site, error) { return s.store.ListSites(ctx) }

// AllowsOrigin tells whether a browser page at origin may post to the site.
func (st *Site) AllowsOrigin(origin string) bool {
	norm, ok := normalOrigin(origin)
	return ok && slices.Contains(st.Origins, norm)
}
