package mock

import (
	"context"

	"github.com/qiscus/msgcenter"
)

var (
	_ msgcenter.ButtonProvider   = (*Provider)(nil)
	_ msgcenter.FullProvider     = (*Provider)(nil)
	_ msgcenter.Provider         = (*Provider)(nil)
	_ msgcenter.TemplateProvider = (*Provider)(nil)
)

// Provider is a msgcenter.FullProvider, and so also a Provider,
// TemplateProvider and ButtonProvider: each method calls the
// function field of its name with Fn appended.
type Provider struct {
	CreditsFn            func(ctx context.Context, storeID int64) (int64, error)
	EnsureCustomButtonFn func(ctx context.Context, storeID int64, label string, webhookURL string) (bool, error)
	SendFn               func(ctx context.Context, m *msgcenter.OutboundMessage) (*msgcenter.SendResult, error)
	SendTemplateFn       func(ctx context.Context, m *msgcenter.TemplateMessage) (*msgcenter.SendResult, error)
	TemplatesFn          func(ctx context.Context, storeID int64, channelID int64) ([]*msgcenter.WhatsAppTemplate, error)
}

// Credits calls CreditsFn.
func (p *Provider) Credits(ctx context.Context, storeID int64) (int64, error) {
	return p.CreditsFn(ctx, storeID)
}

// EnsureCustomButton calls EnsureCustomButtonFn.
func (p *Provider) EnsureCustomButton(ctx context.Context, storeID int64, label string, webhookURL string) (bool, error) {
	return p.EnsureCustomButtonFn(ctx, storeID, label, webhookURL)
}

// Send calls SendFn.
func (p *Provider) Send(ctx context.Context, m *msgcenter.OutboundMessage) (*msgcenter.SendResult, error) {
	return p.SendFn(ctx, m)
}

// SendTemplate calls SendTemplateFn.
func (p *Provider) SendTemplate(ctx context.Context, m *msgcenter.TemplateMessage) (*msgcenter.SendResult, error) {
	return p.SendTemplateFn(ctx, m)
}

// Templates calls TemplatesFn.
func (p *Provider) Templates(ctx context.Context, storeID int64, channelID int64) ([]*msgcenter.WhatsAppTemplate, error) {
	return p.TemplatesFn(ctx, storeID, channelID)
}

var _ msgcenter.RoomFactsProvider = (*RoomFactsProvider)(nil)

// RoomFactsProvider is a msgcenter.RoomFactsProvider: RoomFacts calls
// RoomFactsFn, and panics when it is nil.
type RoomFactsProvider struct {
	RoomFactsFn func(ctx context.Context, storeID int64, externalRoomID string) (*msgcenter.RoomFacts, error)
}

// RoomFacts calls RoomFactsFn.
func (p *RoomFactsProvider) RoomFacts(ctx context.Context, storeID int64, externalRoomID string) (*msgcenter.RoomFacts, error) {
	if p.RoomFactsFn == nil {
		panic("mock: RoomFactsProvider.RoomFacts called without RoomFactsFn")
	}
	return p.RoomFactsFn(ctx, storeID, externalRoomID)
}
