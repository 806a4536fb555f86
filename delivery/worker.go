package delivery

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"github.com/qiscus/msgcenter"
	"github.com/qiscus/msgcenter/render"
)

type deliverWorker struct {
	river.WorkerDefaults[DeliverArgs]
	s *Service
}

// Work sends one message. A returned error makes River retry the job; every
// final outcome is recorded on the message and returns nil.
func (w *deliverWorker) Work(ctx context.Context, job *river.Job[DeliverArgs]) error {
	return w.s.Deliver(ctx, job.Args.DeliveryID)
}

// Deliver makes one attempt at one message. It returns an error only when a
// retry should follow: a transient provider error with tries left, or the
// store unreachable.
func (s *Service) Deliver(ctx context.Context, id int64) error {
	work, err := s.cfg.Store.LoadDeliveryWork(ctx, id)
	if msgcenter.ErrorCode(err) == msgcenter.ENOTFOUND {
		// The message is gone with its store: nothing to send. If only
		// something it needs is gone, it fails for good with the reason
		// instead of staying queued.
		res := msgcenter.DeliveryResult{Status: msgcenter.StatusFailed, Reason: msgcenter.ReasonUndeliverable,
			Attempt: &msgcenter.Attempt{Outcome: msgcenter.OutcomeFailed, Error: "load: " + msgcenter.ErrorMessage(err)}}
		changed, rerr := s.cfg.Store.RecordDeliveryResult(ctx, id, res)
		if rerr != nil && msgcenter.ErrorCode(rerr) != msgcenter.ENOTFOUND {
			return fmt.Errorf("record delivery %d: %w", id, rerr)
		}
		if changed {
			// Its event and kind were among what could not be read.
			s.cfg.Metrics.recorded(&msgcenter.Delivery{Event: "unknown", Kind: "unknown"}, res)
		}
		return nil
	} else if err != nil {
		return fmt.Errorf("load delivery %d: %w", id, err)
	}
	d := work.Delivery
	if d.Status != msgcenter.StatusQueued {
		return nil // already final: a duplicate job or a rescued one that finished
	}
	if d.SubjectType == msgcenter.SubjectTest {
		return s.deliverTest(ctx, work)
	}
	cfg := work.Config
	if d.Event.Automatic() && !cfg.AutomationEnabled {
		// Automation off sends nothing for the event, fallback included.
		return s.record(ctx, work, msgcenter.DeliveryResult{Status: msgcenter.StatusSkipped, Reason: msgcenter.ReasonAutomationDisabled})
	}
	if d.Kind == msgcenter.KindFallback {
		return s.deliverFallback(ctx, work)
	}

	msg, err := render.RenderMessage(cfg, s.data(ctx, work))
	if err != nil {
		// A saved configuration always renders; reaching here is a bug, and
		// retrying will not help.
		s.cfg.Logger.Error("render stored configuration", slog.Int64("delivery", id), slog.Any("err", err))
		return s.record(ctx, work, msgcenter.DeliveryResult{Status: msgcenter.StatusFailed, Reason: msgcenter.ReasonUndeliverable,
			Attempt: &msgcenter.Attempt{Outcome: msgcenter.OutcomeFailed, Error: "render: " + msgcenter.ErrorMessage(err)}})
	}
	res := msgcenter.DeliveryResult{Text: msg.Text, ButtonLabel: msg.Button.Label, ButtonURL: msg.Button.URL}
	room := work.Room
	if room == nil {
		res.Status, res.Reason = msgcenter.StatusFailed, msgcenter.ReasonNoRoom
		return s.record(ctx, work, res)
	}
	res.ChannelID, res.ChannelType = &room.ChannelID, room.ChannelType
	provider, err := s.providerFor(ctx, work)
	if err != nil {
		return fmt.Errorf("provider of store %d: %w", d.StoreID, err)
	}
	lastInbound, err := s.lastInbound(ctx, provider, room)
	if err != nil {
		return s.finish(ctx, work, res, nil, err)
	}
	if msgcenter.SessionExpired(room.ChannelType, lastInbound, s.cfg.Now()) {
		return s.sessionExpired(ctx, work, res, nil)
	}
	out := &msgcenter.OutboundMessage{StoreID: d.StoreID, Room: room, Text: msg.Text, Key: fmt.Sprintf("msgcenter-%d", d.ID)}
	if msg.Button.URL != "" {
		out.Button = &msgcenter.Button{Label: msg.Button.Label, URL: msg.Button.URL}
	}
	start := time.Now()
	sent, sendErr := provider.Send(ctx, out)
	s.cfg.Metrics.providerLatency(time.Since(start))
	return s.finish(ctx, work, res, sent, sendErr)
}

// deliverTest sends a Message Center test message: the content rendered
// when the admin asked, as is. It ignores the automation toggle (the admin
// tests a message whether or not it goes out automatically) but not the
// WhatsApp 24-hour rule, and never raises a fallback.
func (s *Service) deliverTest(ctx context.Context, work *msgcenter.DeliveryWork) error {
	d, t, room := work.Delivery, work.Test, work.Room
	res := msgcenter.DeliveryResult{Text: t.Text, ButtonLabel: t.ButtonLabel, ButtonURL: t.ButtonURL,
		ChannelID: &room.ChannelID, ChannelType: room.ChannelType}
	provider, err := s.providerFor(ctx, work)
	if err != nil {
		return fmt.Errorf("provider of store %d: %w", d.StoreID, err)
	}
	lastInbound, err := s.lastInbound(ctx, provider, room)
	if err != nil {
		return s.finish(ctx, work, res, nil, err)
	}
	if msgcenter.SessionExpired(room.ChannelType, lastInbound, s.cfg.Now()) {
		res.Status, res.Reason = msgcenter.StatusFailed, msgcenter.ReasonSessionExpired
		return s.record(ctx, work, res)
	}
	out := &msgcenter.OutboundMessage{StoreID: d.StoreID, Room: room, Text: t.Text, Key: fmt.Sprintf("msgcenter-%d", d.ID)}
	if t.ButtonURL != "" {
		out.Button = &msgcenter.Button{Label: t.ButtonLabel, URL: t.ButtonURL}
	}
	sent, sendErr := provider.Send(ctx, out)
	return s.finish(ctx, work, res, sent, sendErr)
}

// lastInbound is when the room's customer last wrote, for the 24-hour rule.
// A room the platform knows (it has a platform id) is looked up there when
// msgcenter has recorded no customer message since it made the room (a room
// made by a button click is stamped with its creation), and the later of the
// two times counts otherwise. A provider that reports no room facts, or
// that fails for a reason other than an outage, leaves msgcenter's own time.
func (s *Service) lastInbound(ctx context.Context, provider msgcenter.FullProvider, room *msgcenter.Room) (time.Time, error) {
	rf, ok := provider.(msgcenter.RoomFactsProvider)
	if !ok || room.ExternalID == "" || room.ChannelType != msgcenter.ChannelWhatsApp {
		return room.LastInboundAt, nil
	}
	facts, err := rf.RoomFacts(ctx, room.StoreID, room.ExternalID)
	if err != nil {
		if pe := msgcenter.ProviderErrorOf(err); waits(pe) {
			return time.Time{}, err
		}
		s.cfg.Logger.Warn("room facts", slog.Int64("room", room.ID), slog.Any("err", err))
		return room.LastInboundAt, nil
	}
	if room.LastInboundAt.Equal(room.CreatedAt) || facts.LastCustomerAt.After(room.LastInboundAt) {
		return facts.LastCustomerAt, nil
	}
	return room.LastInboundAt, nil
}

// providerFor returns the provider of the message's store.
func (s *Service) providerFor(ctx context.Context, work *msgcenter.DeliveryWork) (msgcenter.FullProvider, error) {
	return s.cfg.Providers.ProviderFor(ctx, work.Delivery.StoreID)
}

// finish records a send's outcome: sent; failed for good with its reason;
// or, for a transient error with attempts left, an attempt and a returned
// error so River retries. A session-expired answer hands over to the fallback.
func (s *Service) finish(ctx context.Context, work *msgcenter.DeliveryWork, res msgcenter.DeliveryResult,
	sent *msgcenter.SendResult, sendErr error) error {
	a := &msgcenter.Attempt{At: s.cfg.Now()}
	res.Attempt = a
	if sendErr == nil {
		a.Outcome, a.ProviderMessageID = msgcenter.OutcomeSent, sent.ProviderMessageID
		res.Status = msgcenter.StatusSent
		return s.record(ctx, work, res)
	}
	pe := msgcenter.ProviderErrorOf(sendErr)
	a.Error = pe.Message
	switch {
	case waits(pe):
		return s.wait(ctx, work, res, pe)
	case pe.Kind == msgcenter.ProviderSessionExpired:
		a.Outcome = msgcenter.OutcomeFailed
		return s.sessionExpired(ctx, work, res, a)
	case pe.Kind == msgcenter.ProviderPermanent:
		a.Outcome = msgcenter.OutcomeFailed
		res.Status, res.Reason = msgcenter.StatusFailed, pe.Reason
		if !res.Reason.Valid() {
			res.Reason = msgcenter.ReasonUndeliverable
		}
	case work.Tries+1 < s.cfg.MaxAttempts:
		// Tries are counted on the message, not the job: a job retried
		// because the database was unreachable used none of them.
		a.Outcome = msgcenter.OutcomeRetry
		res.Status = msgcenter.StatusQueued
		if err := s.record(ctx, work, res); err != nil {
			return err
		}
		return sendErr
	default:
		a.Outcome = msgcenter.OutcomeFailed
		res.Status, res.Reason = msgcenter.StatusFailed, msgcenter.ReasonProviderError
	}
	return s.record(ctx, work, res)
}

// sessionExpired fails an automation message whose WhatsApp session window
// is closed, raising its fallback first when the store enabled one: should
// the process die between the two, the retried job raises the same fallback
// again, which is a no-op.
func (s *Service) sessionExpired(ctx context.Context, work *msgcenter.DeliveryWork, res msgcenter.DeliveryResult, a *msgcenter.Attempt) error {
	res.Attempt, res.Status, res.Reason = a, msgcenter.StatusFailed, msgcenter.ReasonSessionExpired
	d, fb := work.Delivery, work.Config.Fallback
	if d.Kind == msgcenter.KindAutomation && d.SubjectType != msgcenter.SubjectTest && d.Event.HasFallback() && fb != nil && fb.Enabled &&
		work.Room != nil && work.Room.ChannelType == msgcenter.ChannelWhatsApp {
		if err := s.cfg.Store.RaiseFallback(ctx, d); err != nil {
			return fmt.Errorf("raise fallback of delivery %d: %w", d.ID, err)
		}
	}
	return s.record(ctx, work, res)
}

// record stores a step's result. An error here makes River retry the job;
// the message's status guard keeps a finished message from changing again.
func (s *Service) record(ctx context.Context, work *msgcenter.DeliveryWork, res msgcenter.DeliveryResult) error {
	if res.Attempt != nil {
		// A send that happened must be recorded even if the job's context
		// ended meanwhile (shutdown): a detached context keeps the record.
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
	}
	d := work.Delivery
	changed, err := s.cfg.Store.RecordDeliveryResult(ctx, d.ID, res)
	if err != nil {
		return fmt.Errorf("record delivery %d: %w", d.ID, err)
	}
	if changed {
		s.cfg.Metrics.recorded(d, res)
	}
	return nil
}

// data gathers the values of the message's placeholders and button.
func (s *Service) data(ctx context.Context, w *msgcenter.DeliveryWork) *render.Data {
	st := w.Store
	d := &render.Data{StoreName: st.Name, StoreLanguage: st.Language, Currency: st.Currency, BaseURL: s.cfg.PublicURL}
	if w.Room != nil {
		d.CustomerName = w.Room.CustomerName
	}
	if w.MicrositeToken != "" {
		d.MicrositeURL = msgcenter.JoinURL(s.cfg.PublicURL, msgcenter.MicrositeLinkPath(st.Slug, w.MicrositeToken))
	}
	switch {
	case w.Order != nil:
		o := w.Order
		if o.CustomerName != "" {
			d.CustomerName = o.CustomerName
		}
		d.OrderNumber = o.Number
		d.Items = renderItems(o.Items)
		d.ProductSubtotal, d.DeliveryFee, d.ServiceFee, d.GrandTotal = o.Subtotal, o.DeliveryFee, o.ServiceFee, o.GrandTotal
		d.DetailsPath, d.ReceiptPath = msgcenter.OrderDetailsPath(o.Token), msgcenter.ReceiptPath(o.Token)
	case w.FailedCheckout != nil:
		fc := w.FailedCheckout
		if fc.CustomerName != "" {
			d.CustomerName = fc.CustomerName
		}
		d.Items = renderItems(fc.Items)
		for _, u := range fc.Unprocessed {
			d.Unprocessed = append(d.Unprocessed, render.Item{Name: u.Name, Quantity: u.Quantity, UnitPrice: u.UnitPrice, Reason: u.Reason})
		}
		for _, it := range fc.Items {
			d.ProductSubtotal += it.LineTotal()
		}
	case w.Checkout != nil:
		c := w.Checkout
		d.ResumeURL = msgcenter.JoinURL(s.cfg.PublicURL, msgcenter.CheckoutPath(st.Slug, c.Token))
		d.Items, d.ProductSubtotal = s.pricedCart(ctx, st.ID, c.Items)
	}
	return d
}

// pricedCart prices a checkout's cart at today's product prices.
func (s *Service) pricedCart(ctx context.Context, storeID int64, cart []msgcenter.CartItem) ([]render.Item, int64) {
	if s.cfg.Commerce == nil {
		return nil, 0
	}
	products, err := s.cfg.Commerce.FindProducts(ctx, storeID)
	if err != nil {
		s.cfg.Logger.Warn("price checkout", slog.Int64("store", storeID), slog.Any("err", err))
		return nil, 0
	}
	byID := make(map[int64]*msgcenter.Product, len(products))
	for _, p := range products {
		byID[p.ID] = p
	}
	var items []render.Item
	var subtotal int64
	for _, c := range cart {
		if p, ok := byID[c.ProductID]; ok {
			items = append(items, render.Item{Name: p.Name, Quantity: c.Quantity, UnitPrice: p.Price})
			subtotal += int64(c.Quantity) * p.Price
		}
	}
	return items, subtotal
}

func renderItems(items []msgcenter.OrderItem) []render.Item {
	out := make([]render.Item, len(items))
	for i, it := range items {
		out[i] = render.Item{Name: it.Name, Quantity: it.Quantity, UnitPrice: it.UnitPrice}
	}
	return out
}
