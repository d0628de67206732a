package rules

import (
	"net/url"
	"strings"
)

// DefaultEvidenceHosts are the recording and file-share services whose links
// count as evidence of an incident and as the files of an upload. A host
// matches itself and its subdomains.
var DefaultEvidenceHosts = []string{
	"loom.com", "drive.google.com", "photos.google.com", "photos.app.goo.gl",
	"onedrive.live.com", "1drv.ms", "sharepoint.com", "dropbox.com", "dropboxusercontent.com",
	"wetransfer.com", "we.tl", "box.com", "app.box.com", "vimeo.com", "youtube.com",
	"youtu.be", "screencast.com", "streamable.com", "imgur.com", "prnt.sc", "gyazo.com",
	"cl.ly", "share.zight.com", "jam.dev", "icloud.com", "mega.nz", "swisstransfer.com",
	"filemail.com", "sendspace.com", "tella.tv", "vidyard.com", "veed.io",
}

// maxUnwrap bounds the nested wrappers undone for one URL.
const maxUnwrap = 4

// unwrapAll returns urls with the link-protection wrappers of mail gateways
// undone (see unwrap); the result may hold the same URL twice.
func unwrapAll(urls []string) []string {
	out := make([]string, 0, len(urls))
	for _, u := range urls {
		out = append(out, unwrap(u))
	}
	return out
}

// unwrap undoes the rewriting that mail gateways apply to links so that the
// customer's own link can be matched: Outlook Safe Links
// (*.safelinks.protection.outlook.com/?url=...), Proofpoint URL Defense v2
// (urldefense.proofpoint.com/v2/url?u=..., with "-" for "%" and "_" for
// "/") and v3 (urldefense.com/v3/__URL__;...), and Google's redirect
// (google.com/url?q=...). Mimecast links are opaque and stay as they are.
func unwrap(raw string) string {
	for range maxUnwrap {
		next, ok := unwrapOnce(raw)
		if !ok {
			return raw
		}
		raw = next
	}
	return raw
}

func unwrapOnce(raw string) (string, bool) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "", false
	}
	host := strings.ToLower(u.Hostname())
	switch {
	case strings.HasSuffix(host, ".safelinks.protection.outlook.com"):
		return queryURL(u, "url")
	case host == "urldefense.proofpoint.com" && strings.HasPrefix(u.Path, "/v2/"):
		enc := u.Query().Get("u")
		if enc == "" {
			return "", false
		}
		enc = strings.ReplaceAll(strings.ReplaceAll(enc, "-", "%"), "_", "/")
		dec, err := url.PathUnescape(enc)
		if err != nil || !isHTTP(dec) {
			return "", false
		}
		return dec, true
	case (host == "urldefense.com" || host == "urldefense.proofpoint.com") && strings.HasPrefix(u.Path, "/v3/__"):
		rest := raw[strings.Index(raw, "/v3/__")+len("/v3/__"):]
		end := strings.Index(rest, "__;")
		if end < 0 {
			end = strings.Index(rest, "__")
		}
		if end < 0 || !isHTTP(rest[:end]) {
			return "", false
		}
		return rest[:end], true
	case (host == "www.google.com" || host == "google.com") && u.Path == "/url":
		if next, ok := queryURL(u, "q"); ok {
			return next, true
		}
		return queryURL(u, "url")
	}
	return "", false
}

// queryURL returns the http(s) URL in the query parameter key of u.
func queryURL(u *url.URL, key string) (string, bool) {
	v := u.Query().Get(key)
	if !isHTTP(v) {
		return "", false
	}
	return v, true
}

func isHTTP(s string) bool {
	l := strings.ToLower(s)
	return strings.HasPrefix(l, "https://") || strings.HasPrefix(l, "http://")
}

// hostIn reports whether the URL's host is one of hosts or a subdomain of one.
func hostIn(raw string, hosts []string) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	h := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	if h == "" {
		return false
	}
	for _, e := range hosts {
		e = strings.ToLower(strings.TrimSpace(e))
		if e != "" && (h == e || strings.HasSuffix(h, "."+e)) {
			return true
		}
	}
	return false
}

// evidenceLink returns the first URL that points at a recording or file
// share, or "".
func (in *input) evidenceLink() string {
	hosts := in.policy.EvidenceHosts
	if len(hosts) == 0 {
		hosts = DefaultEvidenceHosts
	}
	for _, u := range in.urls {
		if hostIn(u, hosts) {
			return u
		}
	}
	return ""
}
