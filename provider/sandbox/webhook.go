package sandbox

import (
	"errors"
	"net/url"
	"strings"
)

// qiscusHookPrefix is the path of msgcenter's webhooks for a Qiscus app, the
// only place the sandbox posts customer messages and statuses to.
const qiscusHookPrefix = "/hooks/qiscus/"

// webhookPath returns the path of one of msgcenter's Qiscus webhook URLs of
// the kind ("inbound", "whatsapp-status"): {…}/hooks/qiscus/{store}/{kind}/{secret}.
// The sandbox posts to this msgcenter only, whatever host the URL names.
func webhookPath(webhookURL, kind string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(webhookURL))
	bad := errors.New("must be the " + kind + " webhook URL of the store's integration (…" + qiscusHookPrefix +
		"{store}/" + kind + "/{secret}): the sandbox posts to this msgcenter only")
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(webhookURL) > 2000 ||
		u.RawQuery != "" || u.User != nil || !strings.HasPrefix(u.EscapedPath(), qiscusHookPrefix) {
		return "", bad
	}
	parts := strings.Split(strings.TrimPrefix(u.EscapedPath(), qiscusHookPrefix), "/")
	if len(parts) != 3 || parts[0] == "" || parts[1] != kind || parts[2] == "" {
		return "", bad
	}
	return u.EscapedPath(), nil
}
