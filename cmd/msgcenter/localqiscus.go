package main

import (
	"context"
	"math"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/qiscus/msgcenter"
	"github.com/qiscus/msgcenter/internal/netguard"
	"github.com/qiscus/msgcenter/provider/qiscus"
	"github.com/qiscus/msgcenter/provider/sandbox"
)

// localQiscus connects every store that connected no app of its own to its
// app on the sandbox's local Qiscus, served by this process under
// sandbox.APIPrefix: its integration is that app (issued at the store's
// first need), with the base URL of this process's own listener, so the
// store's messages go out through the qiscus adapter over HTTP as a real
// store's do, and the sandbox's webhooks come back through the same
// authenticated webhook routes. A store that connects a real app uses it
// instead; disconnecting it returns the store to its sandbox app.
type localQiscus struct {
	msgcenter.IntegrationService
	sb *sandbox.Provider
	// self is this process's own listener, http://host:port.
	self func() string

	apps sync.Map // store id → *sandbox.App whose webhooks are set
}

var _ msgcenter.IntegrationService = (*localQiscus)(nil)

// baseURL is the API root of the local Qiscus on this process.
func (l *localQiscus) baseURL() string { return l.self() + sandbox.APIPrefix }

// app returns the store's sandbox app, issuing it and pointing its webhooks
// at this msgcenter's inbound and status webhooks the first time.
func (l *localQiscus) app(ctx context.Context, storeID int64) (*sandbox.App, error) {
	if a, ok := l.apps.Load(storeID); ok {
		return a.(*sandbox.App), nil
	}
	a, err := l.sb.IssueApp(ctx, storeID)
	if err != nil {
		return nil, err
	}
	if a.InboundWebhookURL == "" {
		// As an admin pastes a real app's webhook URLs into its dashboard.
		base := l.self() + "/"
		a.InboundWebhookURL = base + msgcenter.InboundWebhookPath(storeID, a.WebhookSecret)
		a.StatusWebhookURL = base + msgcenter.StatusWebhookPath(storeID, a.WebhookSecret)
		if err := l.sb.SetWebhooks(ctx, storeID, a.InboundWebhookURL, a.StatusWebhookURL); err != nil {
			return nil, err
		}
	}
	l.apps.Store(storeID, a)
	return a, nil
}

// local reports whether the store has no app of its own.
func (l *localQiscus) local(ctx context.Context, storeID int64) (bool, error) {
	_, err := l.IntegrationService.FindIntegration(ctx, storeID)
	if msgcenter.ErrorCode(err) == msgcenter.ENOTFOUND {
		return true, nil
	}
	return false, err
}

// FindIntegration returns the store's own connection, or its sandbox app as
// a Qiscus connection. Returns ENOTFOUND for a store that does not exist.
func (l *localQiscus) FindIntegration(ctx context.Context, storeID int64) (*msgcenter.Integration, error) {
	in, err := l.IntegrationService.FindIntegration(ctx, storeID)
	if msgcenter.ErrorCode(err) != msgcenter.ENOTFOUND {
		return in, err
	}
	a, err := l.app(ctx, storeID)
	if err != nil {
		return nil, err
	}
	return &msgcenter.Integration{StoreID: storeID, Provider: msgcenter.IntegrationQiscus, AppID: a.AppID, BaseURL: l.baseURL(),
		InboundSecret: a.WebhookSecret, ConnectedAt: a.CreatedAt}, nil
}

// IntegrationSecret returns the store's own app's secret key, or its
// sandbox app's.
func (l *localQiscus) IntegrationSecret(ctx context.Context, storeID int64) (string, error) {
	s, err := l.IntegrationService.IntegrationSecret(ctx, storeID)
	if msgcenter.ErrorCode(err) != msgcenter.ENOTFOUND {
		return s, err
	}
	a, err := l.app(ctx, storeID)
	if err != nil {
		return "", err
	}
	return a.Secret, nil
}

// isLocal reports whether a client calls this process's local Qiscus.
func (l *localQiscus) isLocal(baseURL string) bool {
	return strings.TrimRight(baseURL, "/") == l.baseURL()
}

// configure gives the clients of sandbox apps an HTTP client that may reach
// exactly this process's own listener, no rate limit, and a catalogue read
// afresh each time (a template made in the sandbox's settings is offered at
// once): the platform is this process. Real apps keep the deployment's
// settings.
func (l *localQiscus) configure(in *msgcenter.Integration, cfg *qiscus.Config) {
	if !l.isLocal(in.BaseURL) {
		return
	}
	u, err := url.Parse(l.self())
	if err != nil {
		return
	}
	self := &netguard.Policy{Hosts: []string{u.Host}, Trusted: []string{u.Host}}
	client := self.Client(0)
	// Every worker may be sending at once, all to this one address.
	client.Transport.(*http.Transport).MaxIdleConnsPerHost = 256
	cfg.HTTPClient = client
	cfg.RatePerSecond, cfg.Burst = math.Inf(1), 1
	cfg.TemplateTTL = time.Nanosecond
}
