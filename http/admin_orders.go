package http

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/qiscus/msgcenter"
	"github.com/qiscus/msgcenter/i18n"
	"github.com/qiscus/msgcenter/receipt"
	"github.com/qiscus/msgcenter/render"
)

// ordersPageSize is how many orders one page of the order list shows.
const ordersPageSize = 50

// deliveriesByOrder returns the messages of orders, by order id, in one read.
func (s *Server) deliveriesByOrder(ctx context.Context, storeID int64, orders []*msgcenter.Order) (map[int64][]*msgcenter.Delivery, error) {
	ids := make([]int64, len(orders))
	for i, o := range orders {
		ids[i] = o.ID
	}
	ds, err := s.Deliveries.FindOrdersDeliveries(ctx, storeID, ids)
	if err != nil {
		return nil, err
	}
	out := make(map[int64][]*msgcenter.Delivery, len(orders))
	for _, d := range ds {
		if d.OrderID != nil {
			out[*d.OrderID] = append(out[*d.OrderID], d)
		}
	}
	return out, nil
}

// messageLine is one message as the admin pages show it, every word in
// the dashboard's language.
type messageLine struct {
	ID      int64
	Event   string
	Trigger string
	Channel string
	// Recipient and Room say who the message went to and in which chat
	// room; empty where the page does not show them.
	Recipient, Room     string
	Status, StatusClass string
	Reason              string
	Text                string
	Button              string
	At                  string
	// Receipt is when the platform reported the message delivered and
	// read, in words; empty before it reported either.
	Receipt  string
	Attempts []attemptLine
}

// attemptLine is one try at sending a message.
type attemptLine struct {
	N                 int
	At, Outcome, Info string
}

// messageSummary is the Automation Message column: the counts, and every
// message behind them.
type messageSummary struct {
	Text     string
	Bad      bool
	Messages []messageLine
}

// messageTrigger names, in lang, what sent d: the order flow's automation,
// its WhatsApp fallback, an agent's Share click, or an admin's test.
func messageTrigger(d *msgcenter.Delivery, lang msgcenter.Language) string {
	t := i18n.For(lang).T
	switch {
	case d.SubjectType == msgcenter.SubjectClick:
		return t("admin.msg.trigger.click")
	case d.SubjectType == msgcenter.SubjectTest:
		return t("admin.msg.trigger.test")
	case d.Kind == msgcenter.KindFallback:
		return t("admin.msg.trigger.fallback")
	}
	return t("admin.msg.trigger.automation")
}

// newMessageLine is message d of store st as the dashboard shows it, in
// lang; covered says its failure was covered by a fallback that was sent.
func newMessageLine(st *msgcenter.Store, d *msgcenter.Delivery, lang msgcenter.Language, covered bool) messageLine {
	t := i18n.For(lang).T
	when := func(at time.Time) string { return receipt.FormatTime(at, st.TimeZone, lang) }
	m := messageLine{
		ID: d.ID, Event: eventTitle(d.Event, lang), Trigger: messageTrigger(d, lang), Channel: d.ChannelType.Title(),
		Status: t("admin.msg.status." + string(d.Status)), StatusClass: "st-" + string(d.Status),
		Text: d.Text, Button: d.ButtonLabel,
		At: when(d.CreatedAt),
	}
	if covered {
		m.Status, m.StatusClass = t("admin.msg.status.covered"), "st-covered"
	}
	if m.Channel == "" {
		m.Channel = "—"
	}
	switch {
	case d.ReadAt != nil:
		m.Receipt = t("admin.msg.read", when(*d.ReadAt))
		if d.DeliveredAt != nil && !d.DeliveredAt.Equal(*d.ReadAt) {
			m.Receipt = t("admin.msg.delivered", when(*d.DeliveredAt)) + " · " + m.Receipt
		}
	case d.DeliveredAt != nil:
		m.Receipt = t("admin.msg.delivered", when(*d.DeliveredAt))
	}
	if d.Reason != "" {
		// Reasons are shown in the dashboard's language.
		m.Reason = d.Reason.Text(lang)
	}
	for _, a := range d.Attempts {
		info := a.Error
		if info == "" && a.ProviderMessageID != "" {
			info = t("admin.msg.provider_id", a.ProviderMessageID)
		}
		m.Attempts = append(m.Attempts, attemptLine{
			N: a.N, At: when(a.At), Outcome: t("admin.msg.outcome." + string(a.Outcome)), Info: info,
		})
	}
	return m
}

func newMessageSummary(st *msgcenter.Store, ds []*msgcenter.Delivery, lang msgcenter.Language) messageSummary {
	t := i18n.For(lang).T
	sum := msgcenter.Summarize(ds)
	// A failure a sent fallback covered is not red: the customer got the update.
	out := messageSummary{Text: t("admin.orders.summary", sum.Sent, sum.Failed), Bad: sum.Failed > 0}
	if sum.CoveredByFallback > 0 {
		out.Text += t("admin.orders.summary_covered", sum.CoveredByFallback)
	}
	if sum.Queued > 0 {
		out.Text += t("admin.orders.summary_queued", sum.Queued)
	}
	covered := msgcenter.FallbackCovered(ds)
	for _, d := range ds {
		out.Messages = append(out.Messages, newMessageLine(st, d, lang, covered[d.ID]))
	}
	return out
}

// orderRow is one order of the list.
type orderRow struct {
	ID                            int64
	URL                           string
	Number, Date, Customer, Total string
	Status, StatusClass           string
	Summary                       messageSummary
}

// ordersPage is the order list.
type ordersPage struct {
	*adminPage
	Orders     []orderRow
	Page       int
	Prev, Next string
}

func (s *Server) handleOrdersPage(w http.ResponseWriter, r *http.Request) {
	st := storeFrom(r.Context())
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	if page < 1 {
		page = 1
	}
	// One more than a page tells whether there is a next page.
	orders, err := s.Commerce.FindOrders(r.Context(), st.ID, msgcenter.OrderFilter{Limit: ordersPageSize + 1, Offset: (page - 1) * ordersPageSize})
	if err != nil {
		s.Error(w, r, err)
		return
	}
	p, err := s.newAdminPage(r, "admin.orders.title", "orders")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	lang := msgcenter.Language(p.Lang)
	op := &ordersPage{adminPage: p, Page: page}
	if len(orders) > ordersPageSize {
		orders = orders[:ordersPageSize]
		op.Next = storeURL(st, "/orders?page="+strconv.Itoa(page+1))
	}
	if page > 1 {
		op.Prev = storeURL(st, "/orders?page="+strconv.Itoa(page-1))
	}
	byOrder, err := s.deliveriesByOrder(r.Context(), st.ID, orders)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	for _, o := range orders {
		name := o.CustomerName
		if name == "" {
			name = "—"
		}
		op.Orders = append(op.Orders, orderRow{
			ID: o.ID, URL: storeURL(st, "/orders/"+strconv.FormatInt(o.ID, 10)),
			Number: receipt.OrderNumber(o), Date: receipt.FormatTime(o.CreatedAt, st.TimeZone, lang),
			Customer: name, Total: render.FormatMoney(o.GrandTotal, st.Currency, lang),
			Status: orderStatusText(o.Status, lang), StatusClass: "status-" + string(o.Status),
			Summary: newMessageSummary(st, byOrder[o.ID], lang),
		})
	}
	s.renderAdmin(w, r, http.StatusOK, "admin_orders.html", op)
}

// orderDetailPage is one order with its messages and actions.
type orderDetailPage struct {
	*adminPage
	Order                                     *msgcenter.Order
	Number, Date, PaidAt, Status, StatusClass string
	Items                                     []itemLine
	Subtotal, DeliveryFee, ServiceFee, Total  string
	DeliveryMethod, PaymentMethod             string
	Summary                                   messageSummary
	RefundedAt                                string
	CanPay, CanCancel, CanCancelRefund        bool
	CanRefund                                 bool
	ActionURL                                 string
}

func (s *Server) orderDetail(r *http.Request) (*orderDetailPage, error) {
	st := storeFrom(r.Context())
	id, err := idFrom(r, "id")
	if err != nil {
		return nil, err
	}
	o, err := s.Commerce.FindOrder(r.Context(), st.ID, id)
	if err != nil {
		return nil, err
	}
	ds, err := s.Deliveries.FindDeliveries(r.Context(), st.ID, msgcenter.DeliveryFilter{OrderID: &id})
	if err != nil {
		return nil, err
	}
	p, err := s.newAdminPage(r, "admin.order.title", "orders", receipt.OrderNumber(o))
	if err != nil {
		return nil, err
	}
	lang := msgcenter.Language(p.Lang)
	money := func(n int64) string { return render.FormatMoney(n, st.Currency, lang) }
	dp := &orderDetailPage{
		adminPage: p, Order: o, Number: receipt.OrderNumber(o),
		Date:   receipt.FormatTime(o.CreatedAt, st.TimeZone, lang),
		Status: orderStatusText(o.Status, lang), StatusClass: "status-" + string(o.Status),
		Subtotal: money(o.Subtotal), DeliveryFee: money(o.DeliveryFee), ServiceFee: money(o.ServiceFee), Total: money(o.GrandTotal),
		DeliveryMethod: receipt.DeliveryMethodName(o.DeliveryMethod, lang),
		PaymentMethod:  receipt.PaymentMethodName(o.PaymentMethod, lang),
		Summary:        newMessageSummary(st, ds, lang),
		// The order's state machine decides what is offered.
		CanPay:          o.Can(msgcenter.ActionPay),
		CanCancel:       o.Can(msgcenter.ActionCancel),
		CanCancelRefund: o.Can(msgcenter.ActionCancelRefund),
		CanRefund:       o.Can(msgcenter.ActionRefund),
		ActionURL:       storeURL(st, "/orders/"+strconv.FormatInt(o.ID, 10)),
	}
	if o.PaidAt != nil {
		dp.PaidAt = receipt.FormatTime(*o.PaidAt, st.TimeZone, lang)
	}
	if o.RefundedAt != nil {
		dp.RefundedAt = receipt.FormatTime(*o.RefundedAt, st.TimeZone, lang)
	}
	for _, it := range o.Items {
		dp.Items = append(dp.Items, itemLine{Name: it.Name, Quantity: it.Quantity, UnitPrice: money(it.UnitPrice), Total: money(it.LineTotal())})
	}
	return dp, nil
}

// actionDone are the catalogue keys of the notices after an order action.
var actionDone = map[string]string{"pay": "admin.order.done_pay", "cancel": "admin.order.done_cancel",
	"cancel_refund": "admin.order.done_cancel_refund", "refund": "admin.order.done_refund"}

func (s *Server) handleOrderDetailPage(w http.ResponseWriter, r *http.Request) {
	p, err := s.orderDetail(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if key, ok := actionDone[r.URL.Query().Get("done")]; ok {
		p.Notice = p.T(key)
	}
	s.renderAdmin(w, r, http.StatusOK, "admin_order.html", p)
}

// handleAdminOrderAction marks an order paid, cancels or refunds it through
// the order flow, whose rules decide; a refused action is shown on the page.
func (s *Server) handleAdminOrderAction(action string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		st := storeFrom(r.Context())
		id, err := idFrom(r, "id")
		done := action
		if err == nil {
			switch action {
			case "pay":
				_, err = s.Orders.PayOrder(r.Context(), st.ID, id)
			case "cancel":
				// A paid order's cancel button says it refunds (refund=1).
				refund := r.PostFormValue("refund") == "1"
				if refund {
					done = "cancel_refund"
				}
				_, err = s.Orders.CancelOrder(r.Context(), st.ID, id, refund)
			case "refund":
				_, err = s.Orders.RefundOrder(r.Context(), st.ID, id)
			}
		}
		if code := msgcenter.ErrorCode(err); code == msgcenter.ECONFLICT || code == msgcenter.EINVALID {
			p, perr := s.orderDetail(r)
			if perr != nil {
				s.Error(w, r, perr)
				return
			}
			p.Problem = i18n.Translate(msgcenter.Language(p.Lang), msgcenter.ErrorMessage(err))
			s.renderAdmin(w, r, errorStatus(err), "admin_order.html", p)
			return
		}
		if err != nil {
			s.Error(w, r, err)
			return
		}
		http.Redirect(w, r, storeURL(st, "/orders/"+strconv.FormatInt(id, 10)+"?done="+done), http.StatusSeeOther)
	}
}

// messagesPage lists the store's messages that belong to no order.
type messagesPage struct {
	*adminPage
	Messages []messageLine
}

func (s *Server) handleMessagesPage(w http.ResponseWriter, r *http.Request) {
	st := storeFrom(r.Context())
	ds, err := s.Deliveries.FindDeliveries(r.Context(), st.ID, msgcenter.DeliveryFilter{NoOrder: true, Limit: 100})
	if err != nil {
		s.Error(w, r, err)
		return
	}
	// Every message names its recipient: the rooms of the page, in one read.
	var roomIDs []int64
	seen := map[int64]bool{}
	for _, d := range ds {
		if d.RoomID != nil && !seen[*d.RoomID] {
			seen[*d.RoomID] = true
			roomIDs = append(roomIDs, *d.RoomID)
		}
	}
	rooms, err := s.Commerce.FindRoomsByID(r.Context(), st.ID, roomIDs)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	byID := make(map[int64]*msgcenter.Room, len(rooms))
	for _, room := range rooms {
		byID[room.ID] = room
	}
	p, err := s.newAdminPage(r, "admin.messages.title", "messages")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	lang := msgcenter.Language(p.Lang)
	t := i18n.For(lang).T
	mp := &messagesPage{adminPage: p}
	covered := msgcenter.FallbackCovered(ds)
	for _, d := range ds {
		m := newMessageLine(st, d, lang, covered[d.ID])
		m.Recipient, m.Room = t("admin.msg.no_room"), "—"
		if d.RoomID != nil {
			m.Room = t("admin.msg.room", strconv.FormatInt(*d.RoomID, 10))
			if room := byID[*d.RoomID]; room != nil {
				m.Recipient = recipientName(room, lang)
			}
		}
		mp.Messages = append(mp.Messages, m)
	}
	s.renderAdmin(w, r, http.StatusOK, "admin_messages.html", mp)
}

// recipientName is the customer of room as the dashboard names them: name
// and phone, whichever the room has.
func recipientName(room *msgcenter.Room, lang msgcenter.Language) string {
	switch {
	case room.CustomerName != "" && room.CustomerPhone != "":
		return room.CustomerName + " (" + room.CustomerPhone + ")"
	case room.CustomerName != "":
		return room.CustomerName
	case room.CustomerPhone != "":
		return room.CustomerPhone
	}
	return i18n.For(lang).T("admin.msg.unnamed")
}
