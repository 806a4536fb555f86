package delivery_test

import (
	"context"
	"database/sql"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"github.com/qiscus/msgcenter"
	"github.com/qiscus/msgcenter/delivery"
	"github.com/qiscus/msgcenter/mock"
)

// now is the worker's clock in every test.
var now = time.Date(2026, 3, 14, 10, 0, 0, 0, time.UTC)

// The fixture's ids: the room is on roomChannel, the fallback configured on
// fallbackChannel, both WhatsApp channels of store 1.
const (
	storeID         = 1
	roomChannel     = 11
	fallbackChannel = 12
	deliveryID      = 7
)

// worker drives one message through Service.Deliver with every dependency a
// fake from the mock package. The fakes record what the worker asked for;
// a test changes a fake's function field to answer otherwise.
type worker struct {
	Work        *msgcenter.DeliveryWork
	MaxAttempts int

	Store     mock.DeliveryWorkStore
	Commerce  mock.CommerceService
	Providers mock.Providers
	Provider  mock.Provider
	// Channels are the store's channels by id; Catalog their templates.
	Channels map[int64]*msgcenter.Channel
	Catalog  map[int64][]*msgcenter.WhatsAppTemplate

	// What the worker did.
	Results   []msgcenter.DeliveryResult
	Raised    []*msgcenter.Delivery
	Sent      []*msgcenter.OutboundMessage
	Templates []*msgcenter.TemplateMessage
}

// newWorker returns an order's queued automation message for event, to a
// room on channel type ct whose customer last wrote at lastInbound. Every
// fake answers as a healthy system would: sends succeed, results record.
func newWorker(tb testing.TB, event msgcenter.Event, ct msgcenter.ChannelType, lastInbound time.Time) *worker {
	tb.Helper()
	order := &msgcenter.Order{
		ID: 31, StoreID: storeID, Number: 1042, Token: "tok-1042", CustomerName: "Siti", CustomerPhone: "+6281234567890",
		Items:          []msgcenter.OrderItem{{ProductID: 1, Name: "Kopi Susu", Quantity: 2, UnitPrice: 25000}},
		DeliveryMethod: "regular", DeliveryFee: 15000, ServiceFee: msgcenter.ServiceFee, Subtotal: 50000,
		GrandTotal: 50000 + 15000 + msgcenter.ServiceFee, PaymentMethod: "qris", Status: msgcenter.OrderPlaced,
	}
	roomID := int64(21)
	w := &worker{
		MaxAttempts: 3,
		Work: &msgcenter.DeliveryWork{
			Delivery: &msgcenter.Delivery{ID: deliveryID, StoreID: storeID, SubjectType: msgcenter.SubjectOrder, SubjectID: order.ID,
				OrderID: &order.ID, Event: event, RoomID: &roomID, Kind: msgcenter.KindAutomation, Status: msgcenter.StatusQueued},
			Store: &msgcenter.Store{ID: storeID, Slug: "kopi-senja", Name: "Kopi Senja", Currency: "IDR",
				TimeZone: "Asia/Jakarta", Language: msgcenter.LanguageEnglish},
			Config: msgcenter.DefaultMessageConfig(storeID, event),
			Room: &msgcenter.Room{ID: roomID, StoreID: storeID, ChannelID: roomChannel, ChannelType: ct,
				CustomerName: "Siti", CustomerPhone: "+6281234567890", LastInboundAt: lastInbound},
			Order: order,
		},
		Channels: map[int64]*msgcenter.Channel{
			roomChannel:     {ID: roomChannel, StoreID: storeID, Type: msgcenter.ChannelWhatsApp, Name: "CS Jakarta"},
			fallbackChannel: {ID: fallbackChannel, StoreID: storeID, Type: msgcenter.ChannelWhatsApp, Name: "Broadcast"},
		},
		Catalog: map[int64][]*msgcenter.WhatsAppTemplate{},
	}
	w.Store = mock.DeliveryWorkStore{
		LoadDeliveryWorkFn: func(_ context.Context, id int64) (*msgcenter.DeliveryWork, error) {
			if id != w.Work.Delivery.ID {
				return nil, msgcenter.Errorf(msgcenter.ENOTFOUND, "Delivery not found.")
			}
			return w.Work, nil
		},
		RecordDeliveryResultFn: func(_ context.Context, id int64, r msgcenter.DeliveryResult) (bool, error) {
			if id != w.Work.Delivery.ID {
				tb.Errorf("result recorded for delivery %d, want %d", id, w.Work.Delivery.ID)
			}
			w.Results = append(w.Results, r)
			return true, nil
		},
		RaiseFallbackFn: func(_ context.Context, d *msgcenter.Delivery) error {
			w.Raised = append(w.Raised, d)
			return nil
		},
	}
	w.Commerce = mock.CommerceService{
		FindProductsFn: func(_ context.Context, sid int64) ([]*msgcenter.Product, error) {
			return []*msgcenter.Product{{ID: 1, StoreID: sid, Name: "Kopi Susu", Price: 25000, Stock: 10, Active: true}}, nil
		},
		FindChannelFn: func(_ context.Context, sid, id int64) (*msgcenter.Channel, error) {
			if c, ok := w.Channels[id]; ok && sid == storeID {
				return c, nil
			}
			return nil, msgcenter.Errorf(msgcenter.ENOTFOUND, "Channel not found.")
		},
	}
	w.Provider = mock.Provider{
		SendFn: func(_ context.Context, m *msgcenter.OutboundMessage) (*msgcenter.SendResult, error) {
			w.Sent = append(w.Sent, m)
			return &msgcenter.SendResult{ProviderMessageID: "wamid.session"}, nil
		},
		SendTemplateFn: func(_ context.Context, m *msgcenter.TemplateMessage) (*msgcenter.SendResult, error) {
			w.Templates = append(w.Templates, m)
			return &msgcenter.SendResult{ProviderMessageID: "wamid.template"}, nil
		},
		TemplatesFn: func(_ context.Context, sid, channelID int64) ([]*msgcenter.WhatsAppTemplate, error) {
			if sid != storeID {
				tb.Errorf("templates of store %d, want %d", sid, storeID)
			}
			return w.Catalog[channelID], nil
		},
	}
	w.Providers = mock.Providers{
		ProviderForFn: func(_ context.Context, sid int64) (msgcenter.FullProvider, error) {
			if sid != storeID {
				tb.Errorf("provider of store %d, want %d", sid, storeID)
			}
			return &w.Provider, nil
		},
	}
	return w
}

// orderUpdate is an approved utility template of channelID whose two
// variables take the customer's name and the order number.
func orderUpdate(channelID int64) *msgcenter.WhatsAppTemplate {
	return &msgcenter.WhatsAppTemplate{ChannelID: channelID, Name: "order_update", Language: "en",
		Category: msgcenter.CategoryUtility, Type: msgcenter.TemplateType24Hour, Status: msgcenter.TemplateApproved,
		Body: "Hi {{1}}, your order {{2}} is confirmed."}
}

// enableFallback turns the event's WhatsApp fallback on with orderUpdate on
// the fallback channel, which the catalogue holds.
func (w *worker) enableFallback() {
	w.Work.Config.Fallback = &msgcenter.FallbackConfig{Enabled: true, ChannelID: fallbackChannel,
		TemplateType: msgcenter.TemplateType24Hour, TemplateCategory: msgcenter.CategoryUtility,
		TemplateName: "order_update", TemplateLanguage: "en",
		Variables: []msgcenter.Binding{{Placeholder: "customer.name"}, {Placeholder: "order_id"}}}
	w.Catalog[fallbackChannel] = []*msgcenter.WhatsAppTemplate{orderUpdate(fallbackChannel)}
}

// asFallback makes the message the fallback of its automation message, as
// RaiseFallback creates it: kind fallback, with the room's channel loaded.
func (w *worker) asFallback() {
	w.Work.Delivery.Kind = msgcenter.KindFallback
	w.Work.Channel = w.Channels[w.Work.Room.ChannelID]
}

// jobsDB is the database of the services under test: River keeps its jobs
// in one even when the service only sends. Deliver never touches it, so the
// tests share one SQLite file, migrated by the first service built.
var jobsDB struct {
	once sync.Once
	dir  string
	db   *sql.DB
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if jobsDB.db != nil {
		jobsDB.db.Close()
		os.RemoveAll(jobsDB.dir)
	}
	os.Exit(code)
}

// riverDB opens jobsDB on first use.
func riverDB(tb testing.TB) *sql.DB {
	tb.Helper()
	jobsDB.once.Do(func() {
		if jobsDB.dir, jobsDB.err = os.MkdirTemp("", "delivery-test-"); jobsDB.err != nil {
			return
		}
		jobsDB.db, jobsDB.err = sql.Open("sqlite", "file:"+filepath.Join(jobsDB.dir, "river.db"))
		if jobsDB.db != nil {
			jobsDB.db.SetMaxOpenConns(1)
		}
	})
	if jobsDB.err != nil {
		tb.Fatal(jobsDB.err)
	}
	return jobsDB.db
}

// deliver builds the service over the fakes and makes one attempt at the
// message, returning what Deliver returned.
func (w *worker) deliver(tb testing.TB) error {
	tb.Helper()
	db := riverDB(tb)
	svc, err := delivery.New(context.Background(), delivery.Config{
		SQL: db, Store: &w.Store, Commerce: &w.Commerce, Providers: &w.Providers,
		PublicURL: "https://shop.example/", Now: func() time.Time { return now },
		Logger: slog.New(slog.DiscardHandler), MaxAttempts: w.MaxAttempts,
	})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { svc.Stop(context.Background()) })
	return svc.Deliver(context.Background(), w.Work.Delivery.ID)
}

// result returns the one result the worker recorded.
func (w *worker) result(tb testing.TB) msgcenter.DeliveryResult {
	tb.Helper()
	if len(w.Results) != 1 {
		tb.Fatalf("recorded %d results, want 1: %+v", len(w.Results), w.Results)
	}
	return w.Results[0]
}

// assertResult checks the recorded result's status and reason and, when
// outcome is not empty, that one attempt was recorded with that outcome;
// an empty outcome means no provider was called and no attempt recorded.
func assertResult(tb testing.TB, got msgcenter.DeliveryResult, status msgcenter.DeliveryStatus, reason msgcenter.Reason, outcome msgcenter.AttemptOutcome) {
	tb.Helper()
	if got.Status != status || got.Reason != reason {
		tb.Errorf("result = %s/%q, want %s/%q", got.Status, got.Reason, status, reason)
	}
	switch {
	case outcome == "" && got.Attempt != nil:
		tb.Errorf("attempt recorded (%+v), want none", *got.Attempt)
	case outcome != "" && got.Attempt == nil:
		tb.Errorf("no attempt recorded, want outcome %q", outcome)
	case outcome != "" && got.Attempt.Outcome != outcome:
		tb.Errorf("attempt outcome = %q, want %q", got.Attempt.Outcome, outcome)
	}
}
