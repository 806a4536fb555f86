// Package qiscustest is the contract suite of the Qiscus Omnichannel API as
// the qiscus adapter calls it: the same cases run against recorded answers
// written from the platform's documented samples (provider/qiscus's
// testdata) and against the sandbox's local Qiscus (provider/sandbox), so
// the two cannot drift apart.
package qiscustest

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/qiscus/msgcenter"
	"github.com/qiscus/msgcenter/provider/qiscus"
	"github.com/qiscus/msgcenter/render"
)

// Namespace is the WhatsApp namespace of the catalogue's templates.
const Namespace = "b7e1c2d4_aa01_4f6e_9d1b_77e0c5b2a913"

// Catalogue returns the WhatsApp templates the platform under test holds on
// its channel: what testdata's two HSM pages list, and what a sandbox
// fixture creates. ChannelID is left zero. Templates answers them with the
// client's channel id.
func Catalogue() []*msgcenter.WhatsAppTemplate {
	t := func(name, lang, cat, typ, status, body string) *msgcenter.WhatsAppTemplate {
		return &msgcenter.WhatsAppTemplate{Namespace: Namespace, Name: name, Language: lang, Category: cat, Type: typ, Status: status, Body: body}
	}
	receipt := t("order_paid_receipt", "id", msgcenter.CategoryUtility, msgcenter.TemplateType24Hour, msgcenter.TemplateApproved,
		"Halo {{1}}, pembayaran pesanan {{2}} sudah kami terima.")
	receipt.HeaderFormat, receipt.HeaderSample = msgcenter.HeaderDocument, "https://cdn.example/hsm/receipt-sample.pdf"
	receipt.Buttons = []msgcenter.TemplateButton{{Type: msgcenter.ButtonURL, Text: "Lihat struk", URL: "https://shop.example/", Dynamic: true}}
	placedEN := t("order_placed", "en", msgcenter.CategoryUtility, msgcenter.TemplateType24Hour, msgcenter.TemplateApproved, "Hi {{1}}, order {{2}} is placed.")
	placedEN.HeaderFormat, placedEN.Header = msgcenter.HeaderText, "Order {{1}}"
	placedID := t("order_placed", "id", msgcenter.CategoryUtility, msgcenter.TemplateType24Hour, msgcenter.TemplatePending, "Halo {{1}}, pesanan {{2}} dibuat.")
	placedID.HeaderFormat, placedID.Header = msgcenter.HeaderText, "Pesanan {{1}}"
	promo := t("weekend_promo", "id", msgcenter.CategoryMarketing, msgcenter.TemplateTypeBroadcast, msgcenter.TemplatePaused, "Promo akhir pekan!")
	promo.HeaderFormat, promo.HeaderSample = msgcenter.HeaderImage, "https://cdn.example/hsm/promo.png"
	update := t("order_update", "en", msgcenter.CategoryUtility, msgcenter.TemplateType24Hour, msgcenter.TemplateApproved, "Hi {{1}}")
	update.Buttons = []msgcenter.TemplateButton{{Type: msgcenter.ButtonQuickReply, Text: "Thanks"}}
	return []*msgcenter.WhatsAppTemplate{
		receipt, placedEN, placedID, promo,
		t("login_code", "en", msgcenter.CategoryAuthentication, msgcenter.TemplateTypeBroadcast, msgcenter.TemplateApproved, "Your code is {{1}}"),
		t("old_notice", "en", msgcenter.CategoryUtility, msgcenter.TemplateType24Hour, msgcenter.TemplateRejected, "Notice"),
		update,
	}
}

// The errors a fixture makes its platform answer to the next send.
const (
	// ErrSessionExpired: the room's customer has not written for 24 hours
	// (WhatsApp 131047).
	ErrSessionExpired = "session_expired"
	// ErrParameterMismatch: the template the client holds no longer fits
	// the platform's (WhatsApp 132000), answered to the next template send.
	ErrParameterMismatch = "parameter_mismatch"
)

// Fixture is one platform under test, holding Catalogue on one WhatsApp
// channel and one WhatsApp room whose customer wrote at LastCustomerAt.
type Fixture struct {
	BaseURL, AppID, Secret string
	// Channel is the WhatsApp channel's platform id; Room the room's.
	Channel, Room string
	// Phone is the room's customer's number, where templates go.
	Phone string
	// LastCustomerAt is when the room's customer last wrote, to the second.
	LastCustomerAt time.Time
	// Now and Sleep are the clients' clock (nil: the real one).
	Now   func() time.Time
	Sleep func(ctx context.Context, d time.Duration) error
	// Arrange makes the platform answer the error (ErrSessionExpired,
	// ErrParameterMismatch) to the next send.
	Arrange func(t *testing.T, err string)
	// HSMPages, when set, returns how many catalogue pages were read so far.
	HSMPages func() int
}

// client returns a client of the fixture's app whose store's channel 7 is
// the fixture's channel.
func (f *Fixture) client(secret string) *qiscus.Client {
	return qiscus.New(qiscus.Config{BaseURL: f.BaseURL, AppID: f.AppID, SecretKey: qiscus.Secret(secret), Now: f.Now, Sleep: f.Sleep,
		Channels: channelFinder(func(_ context.Context, storeID, id int64) (*msgcenter.Channel, error) {
			return &msgcenter.Channel{ID: id, StoreID: storeID, Type: msgcenter.ChannelWhatsApp, ExternalID: f.Channel}, nil
		})})
}

type channelFinder func(ctx context.Context, storeID, id int64) (*msgcenter.Channel, error)

func (f channelFinder) FindChannel(ctx context.Context, storeID, id int64) (*msgcenter.Channel, error) {
	return f(ctx, storeID, id)
}

// catalogueChannel is the msgcenter channel id the clients read the
// catalogue for.
const catalogueChannel = 7

// Run runs the contract's cases, each on a fixture start returns.
func Run(t *testing.T, start func(t *testing.T) *Fixture) {
	ctx := context.Background()
	room := func(f *Fixture) *msgcenter.Room {
		return &msgcenter.Room{ID: 3, StoreID: 1, ChannelType: msgcenter.ChannelWhatsApp, ExternalID: f.Room}
	}
	templates := func(t *testing.T, c *qiscus.Client) map[string]*msgcenter.WhatsAppTemplate {
		t.Helper()
		ts, err := c.Templates(ctx, 1, catalogueChannel)
		if err != nil {
			t.Fatalf("Templates: %v", err)
		}
		byKey := map[string]*msgcenter.WhatsAppTemplate{}
		for _, tpl := range ts {
			byKey[tpl.Name+"/"+tpl.Language] = tpl
		}
		return byKey
	}

	t.Run("BotSend", func(t *testing.T) {
		f := start(t)
		res, err := f.client(f.Secret).Send(ctx, &msgcenter.OutboundMessage{StoreID: 1, Room: room(f), Text: "Halo Siti",
			Button: &msgcenter.Button{Label: "Belanja", URL: "https://shop.example/s/kopi"}})
		if err != nil || res.ProviderMessageID == "" {
			t.Fatalf("Send = %+v, %v; want the comment's id", res, err)
		}
	})

	t.Run("TemplateCatalogueEveryPage", func(t *testing.T) {
		f := start(t)
		byKey := templates(t, f.client(f.Secret))
		if f.HSMPages != nil && f.HSMPages() != 2 {
			t.Errorf("read %d pages, want the 2 of total_page", f.HSMPages())
		}
		want := Catalogue()
		if len(byKey) != len(want) {
			t.Errorf("%d templates (%v), want the %d of the channel only", len(byKey), keys(byKey), len(want))
		}
		for _, w := range want {
			got := byKey[w.Name+"/"+w.Language]
			if got == nil {
				t.Errorf("%s/%s missing", w.Name, w.Language)
				continue
			}
			w.ChannelID = catalogueChannel
			if !sameTemplate(got, w) {
				t.Errorf("%s/%s = %+v, want %+v", w.Name, w.Language, got, w)
			}
		}
		if r := byKey["order_paid_receipt/id"]; r != nil && !UsableForFallback(r) {
			t.Error("order_paid_receipt is not usable for fallback")
		}
		if a := byKey["login_code/en"]; a != nil && UsableForFallback(a) {
			t.Error("an authentication template is usable for fallback")
		}
	})

	t.Run("TemplateSend", func(t *testing.T) {
		f := start(t)
		c := f.client(f.Secret)
		tpl := templates(t, c)["order_paid_receipt/id"]
		if tpl == nil {
			t.Fatal("order_paid_receipt/id missing")
		}
		res, err := c.SendTemplate(ctx, &msgcenter.TemplateMessage{StoreID: 1, Channel: &msgcenter.Channel{ID: catalogueChannel, ExternalID: f.Channel},
			To: f.Phone, Template: tpl, Params: []string{"Siti", "#42"}, ButtonSuffix: "receipt/tok",
			HeaderMedia: &msgcenter.MediaLink{URL: "https://shop.example/receipt/tok.pdf", Filename: "receipt-42.pdf"}})
		if err != nil || !strings.HasPrefix(res.ProviderMessageID, "wamid.") {
			t.Fatalf("SendTemplate = %+v, %v; want a WhatsApp message id", res, err)
		}
	})

	t.Run("RoomFacts", func(t *testing.T) {
		f := start(t)
		got, err := f.client(f.Secret).RoomFacts(ctx, 1, f.Room)
		if err != nil {
			t.Fatal(err)
		}
		want := msgcenter.RoomFacts{ChannelExternalID: f.Channel, ChannelType: msgcenter.ChannelWhatsApp, LastCustomerAt: f.LastCustomerAt}
		if got.ChannelExternalID != want.ChannelExternalID || got.ChannelType != want.ChannelType ||
			!got.LastCustomerAt.Truncate(time.Second).Equal(want.LastCustomerAt) {
			t.Errorf("facts = %+v, want %+v", *got, want)
		}
		_, err = f.client(f.Secret).RoomFacts(ctx, 1, "987654321")
		assertProviderError(t, err, msgcenter.ProviderPermanent, msgcenter.ReasonNoRoom)
	})

	t.Run("WrongSecret", func(t *testing.T) {
		f := start(t)
		const wrong = "not-the-secret-key-0123456789"
		_, err := f.client(wrong).Send(ctx, &msgcenter.OutboundMessage{StoreID: 1, Room: room(f), Text: "x"})
		pe := assertProviderError(t, err, msgcenter.ProviderUnauthorized, msgcenter.ReasonProviderUnauthorized)
		if strings.Contains(pe.Message, wrong) {
			t.Errorf("message %q holds the secret", pe.Message)
		}
	})

	t.Run("SessionExpired", func(t *testing.T) {
		f := start(t)
		f.Arrange(t, ErrSessionExpired)
		_, err := f.client(f.Secret).Send(ctx, &msgcenter.OutboundMessage{StoreID: 1, Room: room(f), Text: "x"})
		assertProviderError(t, err, msgcenter.ProviderSessionExpired, msgcenter.ReasonSessionExpired)
	})

	t.Run("ParameterMismatch", func(t *testing.T) {
		f := start(t)
		c := f.client(f.Secret)
		tpl := templates(t, c)["order_update/en"]
		if tpl == nil {
			t.Fatal("order_update/en missing")
		}
		f.Arrange(t, ErrParameterMismatch)
		_, err := c.SendTemplate(ctx, &msgcenter.TemplateMessage{StoreID: 1, Channel: &msgcenter.Channel{ID: catalogueChannel, ExternalID: f.Channel},
			To: f.Phone, Template: tpl, Params: []string{"Siti"}})
		assertProviderError(t, err, msgcenter.ProviderPermanent, msgcenter.ReasonParameterMismatch)
	})
}

// sameTemplate compares what the platform lists of a template.
func sameTemplate(a, b *msgcenter.WhatsAppTemplate) bool {
	return a.ChannelID == b.ChannelID && a.Namespace == b.Namespace && a.Name == b.Name && a.Language == b.Language &&
		a.Category == b.Category && a.Type == b.Type && a.Status == b.Status && a.HeaderFormat == b.HeaderFormat &&
		a.Header == b.Header && a.HeaderSample == b.HeaderSample && a.Body == b.Body && slices.Equal(a.Buttons, b.Buttons)
}

func keys(m map[string]*msgcenter.WhatsAppTemplate) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func assertProviderError(t *testing.T, err error, kind msgcenter.ProviderErrorKind, reason msgcenter.Reason) *msgcenter.ProviderError {
	t.Helper()
	pe, ok := err.(*msgcenter.ProviderError)
	if !ok {
		t.Fatalf("err = %T %v, want a *msgcenter.ProviderError of kind %d reason %s", err, err, kind, reason)
	}
	if pe.Kind != kind || pe.Reason != reason {
		t.Fatalf("err = kind %d reason %s (%v), want kind %d reason %s", pe.Kind, pe.Reason, pe, kind, reason)
	}
	return pe
}

// UsableForFallback reports whether t, as the adapter decoded it, could
// serve as a WhatsApp fallback by the save's own rule
// (render.TemplateProblems), apart from its button's base URL, which is the
// deployment's setting and not the platform's answer.
func UsableForFallback(t *msgcenter.WhatsAppTemplate) bool {
	problems := render.TemplateProblems(t, nil)
	delete(problems, "fallback.button")
	return len(problems) == 0
}
