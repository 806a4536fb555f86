package qiscus_test

import (
	"context"
	"testing"

	"github.com/qiscus/msgcenter"
	"github.com/qiscus/msgcenter/provider/qiscus"
)

// integrations is a fake IntegrationService over a map of connections.
type integrations struct {
	msgcenter.IntegrationService
	conns   map[int64]*msgcenter.Integration
	secrets map[int64]string
}

func (f *integrations) FindIntegration(_ context.Context, storeID int64) (*msgcenter.Integration, error) {
	if in, ok := f.conns[storeID]; ok {
		cp := *in
		return &cp, nil
	}
	return nil, msgcenter.Errorf(msgcenter.ENOTFOUND, "The store has no connected app.")
}

func (f *integrations) IntegrationSecret(_ context.Context, storeID int64) (string, error) {
	if s, ok := f.secrets[storeID]; ok {
		return s, nil
	}
	return "", msgcenter.Errorf(msgcenter.ENOTFOUND, "The store has no connected app.")
}

// fallbackProvider stands for the sandbox.
type fallbackProvider struct {
	msgcenter.FullProvider
	sent int
}

func (f *fallbackProvider) Send(context.Context, *msgcenter.OutboundMessage) (*msgcenter.SendResult, error) {
	f.sent++
	return &msgcenter.SendResult{ProviderMessageID: "sbx-1"}, nil
}

func TestResolver(t *testing.T) {
	ctx := context.Background()
	clock := newFakeClock()
	platformA, platformB := newPlatform(t, clock), newPlatform(t, clock)
	fake := &integrations{
		conns: map[int64]*msgcenter.Integration{
			1: {StoreID: 1, Provider: msgcenter.IntegrationQiscus, AppID: "app-a", BaseURL: platformA.srv.URL},
			2: {StoreID: 2, Provider: msgcenter.IntegrationQiscus, AppID: "app-b", BaseURL: platformB.srv.URL},
		},
		secrets: map[int64]string{1: "secret-a", 2: "secret-b"},
	}
	sandbox := &fallbackProvider{}
	r := qiscus.NewResolver(fake, sandbox, qiscus.Config{Now: clock.Now, Sleep: clock.Sleep})

	send := func(storeID int64, text string) msgcenter.FullProvider {
		t.Helper()
		p, err := r.ProviderFor(ctx, storeID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := p.Send(ctx, &msgcenter.OutboundMessage{StoreID: storeID, Room: waRoom(), Text: text}); err != nil {
			t.Fatal(err)
		}
		return p
	}
	pa := send(1, "to a")
	pb := send(2, "to b")
	send(3, "to the sandbox")
	send(1, "to a again")

	if pa == pb {
		t.Fatal("two stores with different apps share a client")
	}
	if again, _ := r.ProviderFor(ctx, 1); again != pa {
		t.Error("the store's client is not reused")
	}
	if sandbox.sent != 1 {
		t.Errorf("the fallback sent %d messages, want 1", sandbox.sent)
	}
	for name, tc := range map[string]struct {
		p            *platform
		app, secret  string
		wantMessages []string
	}{
		"A": {platformA, "app-a", "secret-a", []string{"to a", "to a again"}},
		"B": {platformB, "app-b", "secret-b", []string{"to b"}},
	} {
		reqs := tc.p.Requests()
		if len(reqs) != len(tc.wantMessages) {
			t.Fatalf("platform %s got %d requests, want %d", name, len(reqs), len(tc.wantMessages))
		}
		for i, req := range reqs {
			if req.Path != "/"+tc.app+"/bot" || req.Body["message"] != tc.wantMessages[i] ||
				req.Body["sender_email"] != tc.app+"_admin@qismo.com" {
				t.Errorf("platform %s request %d = %s %s", name, i, req.Path, req.RawBody)
			}
			checkHeaders(t, req, tc.app, tc.secret, true)
		}
	}

	t.Run("NewSecretNewClient", func(t *testing.T) {
		fake.secrets[1] = "secret-a2"
		p, err := r.ProviderFor(ctx, 1)
		if err != nil {
			t.Fatal(err)
		}
		if p == pa {
			t.Error("a reconnected app with a new secret kept the old client")
		}
	})

	t.Run("ErrNoDefault", func(t *testing.T) {
		r := qiscus.NewResolver(fake, nil, qiscus.Config{})
		_, err := r.ProviderFor(ctx, 3)
		if msgcenter.ErrorCode(err) != msgcenter.ENOTFOUND {
			t.Fatalf("err = %v, want ENOTFOUND", err)
		}
	})
}
