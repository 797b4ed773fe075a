package web

import (
	"net/http"
	"net/url"
	"strings"
)

// localPath returns target when it is a path on this site, else "". It
// refuses absolute URLs and the "//host" and "/\host" forms browsers read as
// another host, so ?next= cannot send anyone elsewhere.
func localPath(target string) string {
	if target == "" || target[0] != '/' || strings.HasPrefix(target, "//") || strings.HasPrefix(target, "/\\") {
		return ""
	}
	if strings.ContainsAny(target, "\r\n\t") {
		return ""
	}
	u, err := url.Parse(target)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return ""
	}
	return target
}

// refererPath is the local path of a same-host Referer, else "".
func refererPath(r *http.Request) string {
	ref := r.Referer()
	if ref == "" {
		return ""
	}
	u, err := url.Parse(ref)
	if err != nil || u.Host != r.Host {
		return ""
	}
	return localPath(u.RequestURI())
}
