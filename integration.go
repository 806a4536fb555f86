package msgcenter

import (
	"context"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"
)

// IntegrationQiscus names the Qiscus Omnichannel (Multichannel) platform, the
// one provider a store can connect today.
const IntegrationQiscus = "qiscus"

// DefaultQiscusBaseURL is the Qiscus Omnichannel API a connection uses unless
// it names another.
const DefaultQiscusBaseURL = "https://multichannel.qiscus.com"

// PublicQiscusHosts returns the hosts of the public Qiscus Omnichannel API:
// the only hosts a store's connection may name unless the operator adds
// others.
func PublicQiscusHosts() []string {
	return []string{"multichannel.qiscus.com", "omnichannel.qiscus.com", "qismo.qiscus.com"}
}

// Integration is a store's connection to its own omnichannel app. The app's
// secret key is stored encrypted and is never part of this type, so it cannot
// reach an API answer or a log line by accident.
type Integration struct {
	StoreID  int64  `json:"-"`
	Provider string `json:"provider"`
	AppID    string `json:"app_id"`
	BaseURL  string `json:"base_url"`
	// InboundSecret is the random path segment of the store's inbound-message
	// webhook URL; it authenticates the platform's calls.
	InboundSecret string    `json:"-"`
	ConnectedAt   time.Time `json:"connected_at"`
}

// ValidateQiscusConnection checks what an admin submits to connect a Qiscus
// app: the app id, the secret key, and an optional base URL ("" means
// DefaultQiscusBaseURL). It returns the base URL to store.
func ValidateQiscusConnection(appID, secretKey, baseURL string) (string, error) {
	fields := map[string]string{}
	if n := utf8.RuneCountInString(appID); n == 0 || n > 100 || strings.TrimSpace(appID) != appID || strings.ContainsAny(appID, "/?#% ") {
		fields["app_id"] = "is required: at most 100 characters, no spaces or slashes"
	}
	if n := len(secretKey); n == 0 || n > 500 || strings.TrimSpace(secretKey) != secretKey {
		fields["secret_key"] = "is required: at most 500 characters, no surrounding spaces"
	}
	if baseURL == "" {
		baseURL = DefaultQiscusBaseURL
	}
	baseURL = strings.TrimRight(baseURL, "/")
	if u, err := url.Parse(baseURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" ||
		u.User != nil || u.RawQuery != "" || u.Fragment != "" || len(baseURL) > 500 {
		fields["base_url"] = "must be an http(s) URL such as " + DefaultQiscusBaseURL
	}
	if len(fields) > 0 {
		return "", Invalid("The Qiscus connection is not valid.", fields)
	}
	return baseURL, nil
}

// IntegrationService stores each store's connection to its own omnichannel
// app. Every method is scoped by store id.
type IntegrationService interface {
	// ConnectQiscus connects (or reconnects, replacing the app) the store's
	// Qiscus app. The secret key is stored encrypted under the server key.
	// The inbound webhook secret is kept across reconnections. Returns
	// EINVALID for bad input or when the server has no encryption key, and
	// ENOTFOUND for an unknown store.
	ConnectQiscus(ctx context.Context, storeID int64, appID, secretKey, baseURL string) (*Integration, error)

	// FindIntegration returns the store's connection. Returns ENOTFOUND when
	// the store has none.
	FindIntegration(ctx context.Context, storeID int64) (*Integration, error)

	// DisconnectIntegration forgets the store's connection and its secret.
	// Returns ENOTFOUND when the store has none.
	DisconnectIntegration(ctx context.Context, storeID int64) error

	// IntegrationSecret returns the decrypted secret key of the store's
	// connection, for the provider resolver only: never for an API answer or
	// a log. Returns ENOTFOUND when the store has none, and EINTERNAL when the
	// stored secret cannot be decrypted (a changed server key).
	IntegrationSecret(ctx context.Context, storeID int64) (string, error)
}
