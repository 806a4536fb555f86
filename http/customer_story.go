package http

import (
	"context"

	"github.com/qiscus/msgcenter"
	"github.com/qiscus/msgcenter/i18n"
	"github.com/qiscus/msgcenter/receipt"
	"github.com/qiscus/msgcenter/render"
)

// orderStory is what the customer's confirmation and order pages tell of
// an order beyond its facts: what its chat was actually sent, and, for an
// unpaid bank transfer, how to pay. Every text is in the store's language.
type orderStory struct {
	// ChatNote says what the customer's chat got about the order's latest
	// update; ChatClass is "ok" when a message reached it, else "note".
	ChatNote, ChatClass string
	// Pay is set for a bank transfer not yet paid.
	Pay *howToPay
}

// howToPay tells a customer paying by bank transfer how to pay.
type howToPay struct {
	// Amount says how much to transfer and what to write as the reference.
	Amount string
	// Instructions are the store's own (bank, account, holder); when the
	// store has none, Ask says where to get them.
	Instructions, Ask string
}

// chatNoteKeys are the catalogue keys of what an automatic event's
// message did, by event: sent in the session, sent as the WhatsApp
// fallback template in its place.
var chatNoteKeys = map[msgcenter.Event][2]string{
	msgcenter.EventOrderPlaced: {"chat.placed.sent", "chat.placed.fallback"},
	msgcenter.EventOrderPaid:   {"chat.paid.sent", "chat.paid.fallback"},
}

// chatNote says, in lang, what the customer's chat got about the order's
// latest update (Order Paid once it has messages, else Order Placed), from
// ds, the order's messages: the message itself, the WhatsApp fallback in
// its place, one still on its way, or nothing, and why.
func chatNote(ds []*msgcenter.Delivery, lang msgcenter.Language) (note, class string) {
	t := i18n.For(lang).T
	event := msgcenter.EventOrderPlaced
	for _, d := range ds {
		if d.Event == msgcenter.EventOrderPaid {
			event = msgcenter.EventOrderPaid
		}
	}
	var auto, fallback *msgcenter.Delivery
	for _, d := range ds {
		if d.Event != event {
			continue
		}
		switch d.Kind {
		case msgcenter.KindAutomation:
			auto = d
		case msgcenter.KindFallback:
			fallback = d
		}
	}
	keys := chatNoteKeys[event]
	switch {
	case auto == nil:
		// Nothing was raised for the order: it came from no chat.
		return t("chat.no_room"), "note"
	case auto.Status == msgcenter.StatusSent:
		return t(keys[0]), "ok"
	case fallback != nil && fallback.Status == msgcenter.StatusSent:
		return t(keys[1]), "ok"
	case auto.Status == msgcenter.StatusQueued, fallback != nil && fallback.Status == msgcenter.StatusQueued:
		return t("chat.sending"), "note"
	case auto.Status == msgcenter.StatusSkipped:
		return t("chat.off"), "note"
	case auto.Reason == msgcenter.ReasonNoRoom:
		return t("chat.no_room"), "note"
	}
	return t("chat.failed"), "note"
}

// newOrderStory tells the story of order o of store st, reading its
// messages; without a delivery service it tells how to pay only.
func (s *Server) newOrderStory(ctx context.Context, st *msgcenter.Store, o *msgcenter.Order) (orderStory, error) {
	lang := storeLang(st)
	var story orderStory
	if s.Deliveries != nil {
		ds, err := s.Deliveries.FindDeliveries(ctx, st.ID, msgcenter.DeliveryFilter{OrderID: &o.ID})
		if err != nil {
			return story, err
		}
		story.ChatNote, story.ChatClass = chatNote(ds, lang)
	}
	story.Pay = payInstructions(st, o)
	return story, nil
}

// payInstructions tells how to pay o by bank transfer while it waits for
// payment; nil for any other method or state.
func payInstructions(st *msgcenter.Store, o *msgcenter.Order) *howToPay {
	if o.PaymentMethod != "bank_transfer" || o.Status != msgcenter.OrderPlaced {
		return nil
	}
	t := i18n.For(storeLang(st)).T
	p := &howToPay{
		Amount:       t("pay.amount", render.FormatMoney(o.GrandTotal, st.Currency, storeLang(st)), receipt.OrderNumber(o)),
		Instructions: st.BankTransferInstructions,
	}
	if p.Instructions == "" {
		p.Ask = t("pay.ask_store", st.Name)
	}
	return p
}
