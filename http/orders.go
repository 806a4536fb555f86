package http

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/qiscus/msgcenter"
	"github.com/qiscus/msgcenter/i18n"
)

// listHandler serves GET on a store's collection: {key: [...]}.
func listHandler[T any](s *Server, key string, find func(ctx context.Context, storeID int64) ([]T, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		items, err := find(r.Context(), storeFrom(r.Context()).ID)
		if err != nil {
			s.Error(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{key: items})
	}
}

// updateHandler serves PATCH on one of a store's entities: the body is
// decoded into In and applied by update, which answers ENOTFOUND for
// another store's id.
func updateHandler[In, Out any](s *Server, update func(ctx context.Context, storeID, id int64, in In) (Out, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := idFrom(r, "id")
		var in In
		if err == nil {
			err = decodeJSON(r, &in)
		}
		var out Out
		if err == nil {
			out, err = update(r.Context(), storeFrom(r.Context()).ID, id, in)
		}
		if err != nil {
			s.Error(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, out)
	}
}

// channelUpdate is the body of PATCH on a channel.
type channelUpdate struct {
	Name *string `json:"name"`
}

// idFrom parses the path value name as a positive id; anything else is not found.
func idFrom(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, msgcenter.Errorf(msgcenter.ENOTFOUND, "Not found.")
	}
	return id, nil
}

func (s *Server) handleProductCreate(w http.ResponseWriter, r *http.Request) {
	var in msgcenter.ProductUpdate
	if err := decodeJSON(r, &in); err != nil {
		s.Error(w, r, err)
		return
	}
	p := &msgcenter.Product{StoreID: storeFrom(r.Context()).ID, Active: true}
	in.Apply(p)
	if err := s.Commerce.CreateProduct(r.Context(), p); err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, p)
}

func (s *Server) handleChannelCreate(w http.ResponseWriter, r *http.Request) {
	var c msgcenter.Channel
	if err := decodeJSON(r, &c); err != nil {
		s.Error(w, r, err)
		return
	}
	c.ID, c.StoreID = 0, storeFrom(r.Context()).ID
	if err := s.Commerce.CreateChannel(r.Context(), &c); err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, &c)
}

func (s *Server) handleRoomCreate(w http.ResponseWriter, r *http.Request) {
	var room msgcenter.Room
	if err := decodeJSON(r, &room); err != nil {
		s.Error(w, r, err)
		return
	}
	room.ID, room.StoreID = 0, storeFrom(r.Context()).ID
	if room.LastInboundAt.IsZero() {
		// A room exists because the customer wrote: its window opens now.
		room.LastInboundAt = s.Now()
	}
	if err := s.Commerce.CreateRoom(r.Context(), &room); err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, &room)
}

func (s *Server) handleCheckoutCreate(w http.ResponseWriter, r *http.Request) {
	var in struct {
		RoomID int64                `json:"room_id"`
		Items  []msgcenter.CartItem `json:"items"`
	}
	if err := decodeJSON(r, &in); err != nil {
		s.Error(w, r, err)
		return
	}
	if in.RoomID <= 0 {
		s.Error(w, r, msgcenter.Invalid("The checkout is not valid.", map[string]string{"room_id": "is required"}))
		return
	}
	c, err := s.Orders.StartCheckout(r.Context(), storeFrom(r.Context()).ID, in.RoomID, in.Items)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, c)
}

// orderJSON is an order with the summary of its messages.
type orderJSON struct {
	*msgcenter.Order
	Messages *msgcenter.DeliverySummary `json:"messages,omitempty"`
}

func (s *Server) handleOrderCreate(w http.ResponseWriter, r *http.Request) {
	var req msgcenter.OrderRequest
	if err := decodeJSON(r, &req); err != nil {
		s.Error(w, r, err)
		return
	}
	// The store's admin speaks for the store: its order may name the
	// customer's room by phone.
	req.RoomByPhone = true
	o, failed, err := s.Orders.PlaceOrder(r.Context(), storeFrom(r.Context()).ID, &req)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if failed != nil {
		writeJSON(w, http.StatusConflict, orderFailureBody(failed))
		return
	}
	writeJSON(w, http.StatusCreated, orderJSON{Order: o})
}

// orderFailureBody is the 409 answer of a checkout that could not become an
// order: the usual error shape, naming every unprocessed product and why,
// in the API's English ("Kopi Susu (out of stock)").
func orderFailureBody(f *msgcenter.FailedCheckout) map[string]any {
	en := i18n.For(msgcenter.LanguageEnglish)
	names := make([]string, 0, len(f.Unprocessed))
	for _, u := range f.Unprocessed {
		names = append(names, en.ProductName(u)+" ("+en.Unprocessed(u.Reason)+")")
	}
	msg := "The order could not be created."
	if len(names) > 0 {
		msg = "The order could not be created: " + strings.Join(names, ", ") + "."
	}
	var body errorBody
	body.Error.Code = msgcenter.ECONFLICT
	body.Error.Message = msg
	return map[string]any{"error": body.Error, "failed_checkout_id": f.ID, "unprocessed": f.Unprocessed}
}

func (s *Server) handleOrderList(w http.ResponseWriter, r *http.Request) {
	f := msgcenter.OrderFilter{Limit: 100}
	if st := r.URL.Query().Get("status"); st != "" {
		status := msgcenter.OrderStatus(st)
		if !status.Valid() {
			s.Error(w, r, msgcenter.Invalid("Unknown order status.", map[string]string{"status": "must be one of " + msgcenter.OrderStatusList()}))
			return
		}
		f.Status = &status
	}
	os, err := s.Commerce.FindOrders(r.Context(), storeFrom(r.Context()).ID, f)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"orders": os})
}

func (s *Server) handleOrderGet(w http.ResponseWriter, r *http.Request) {
	st := storeFrom(r.Context())
	id, err := idFrom(r, "id")
	var o *msgcenter.Order
	if err == nil {
		o, err = s.Commerce.FindOrder(r.Context(), st.ID, id)
	}
	var ds []*msgcenter.Delivery
	if err == nil {
		ds, err = s.Deliveries.FindDeliveries(r.Context(), st.ID, msgcenter.DeliveryFilter{OrderID: &id})
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	sum := msgcenter.Summarize(ds)
	writeJSON(w, http.StatusOK, orderJSON{Order: o, Messages: &sum})
}

// handleOrderAction serves pay, cancel and refund.
func (s *Server) handleOrderAction(action string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		storeID := storeFrom(r.Context()).ID
		id, err := idFrom(r, "id")
		var o *msgcenter.Order
		if err == nil {
			switch action {
			case "pay":
				o, err = s.Orders.PayOrder(r.Context(), storeID, id)
			case "cancel":
				var in cancelInput
				if in, err = decodeCancel(r); err == nil {
					o, err = s.Orders.CancelOrder(r.Context(), storeID, id, in.Refund)
				}
			case "refund":
				o, err = s.Orders.RefundOrder(r.Context(), storeID, id)
			}
		}
		if err != nil {
			s.Error(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, orderJSON{Order: o})
	}
}

// cancelInput is the optional body of POST on an order's cancel.
type cancelInput struct {
	// Refund cancels a paid order with a refund of its payment, the only
	// way a paid order is cancelled.
	Refund bool `json:"refund"`
}

// decodeCancel reads the cancel's body, which may be empty (no refund).
func decodeCancel(r *http.Request) (cancelInput, error) {
	var in cancelInput
	raw, err := io.ReadAll(r.Body)
	if err != nil {
		return in, decodeBody(errReader{err}, &in, true)
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		return in, nil
	}
	return in, decodeBody(bytes.NewReader(raw), &in, true)
}

// deliveryJSON is a message with its reason in words.
type deliveryJSON struct {
	*msgcenter.Delivery
	ReasonText string `json:"reason_text,omitempty"`
}

func deliveriesJSON(ds []*msgcenter.Delivery, lang msgcenter.Language) []deliveryJSON {
	out := make([]deliveryJSON, len(ds))
	for i, d := range ds {
		out[i] = deliveryJSON{Delivery: d}
		if d.Reason != "" {
			out[i].ReasonText = d.Reason.Text(lang)
		}
	}
	return out
}

func (s *Server) handleOrderDeliveries(w http.ResponseWriter, r *http.Request) {
	st := storeFrom(r.Context())
	id, err := idFrom(r, "id")
	if err == nil {
		_, err = s.Commerce.FindOrder(r.Context(), st.ID, id)
	}
	var ds []*msgcenter.Delivery
	if err == nil {
		ds, err = s.Deliveries.FindDeliveries(r.Context(), st.ID, msgcenter.DeliveryFilter{OrderID: &id})
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"summary": msgcenter.Summarize(ds), "deliveries": deliveriesJSON(ds, st.Language)})
}

func (s *Server) handleDeliveryList(w http.ResponseWriter, r *http.Request) {
	st := storeFrom(r.Context())
	f := msgcenter.DeliveryFilter{NoOrder: true}
	q := r.URL.Query()
	if e := q.Get("event"); e != "" {
		ev := msgcenter.Event(e)
		if !ev.Valid() {
			s.Error(w, r, msgcenter.Invalid("Unknown event.", map[string]string{"event": "must be one of " + msgcenter.EventList()}))
			return
		}
		f.Event = &ev
	}
	if room := q.Get("room"); room != "" {
		id, err := strconv.ParseInt(room, 10, 64)
		if err != nil {
			s.Error(w, r, msgcenter.Invalid("Bad room.", map[string]string{"room": "must be a room id"}))
			return
		}
		f.RoomID = &id
	}
	ds, err := s.Deliveries.FindDeliveries(r.Context(), st.ID, f)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"deliveries": deliveriesJSON(ds, st.Language)})
}
