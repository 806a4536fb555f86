package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/qiscus/msgcenter"
)

// demoEmail is the demo admin's sign-in.
const demoEmail = "demo@msgcenter.local"

// demoShop is what the demo seeds: the store, its customers' rooms, and the
// admin's password and API token.
type demoShop struct {
	store           *msgcenter.Store
	rooms           []*msgcenter.Room
	password, token string
}

// seedDemo creates, on an empty database, a demo admin with a store that
// has products, a WhatsApp and an Instagram channel with customers' rooms, a
// WhatsApp template for each fallback (Order Placed's, and Order Paid's
// with a receipt button) and credits, and an API token; then
// prints how to use them.
func (m *Main) seedDemo(ctx context.Context, svc services) error {
	if _, err := svc.users.FindUserByEmail(ctx, demoEmail); err == nil {
		fmt.Fprintf(m.Config.Stdout, "demo: already set up; sign in at %sadmin as %s (password printed at first start)\n", m.HTTP.PublicURL, demoEmail)
		return nil
	} else if msgcenter.ErrorCode(err) != msgcenter.ENOTFOUND {
		return err
	}
	d, err := m.seedDemoStore(ctx, svc)
	if err != nil {
		return err
	}
	m.printDemo(d)
	return nil
}

// seedDemoStore makes the admin, the store with its products, channels and
// rooms, the sandbox's template and credits, and the API token.
func (m *Main) seedDemoStore(ctx context.Context, svc services) (*demoShop, error) {
	pw := make([]byte, 8)
	if _, err := rand.Read(pw); err != nil {
		return nil, err
	}
	d := &demoShop{password: hex.EncodeToString(pw)}
	u, err := svc.users.CreateUser(ctx, demoEmail, d.password)
	if err != nil {
		return nil, err
	}
	d.store = &msgcenter.Store{Name: "Kopi Nusantara", OwnerID: u.ID, Address: "Jl. Braga No. 12, Bandung"}
	if err := svc.stores.CreateStore(ctx, d.store); err != nil {
		return nil, err
	}
	if err := seedDemoProducts(ctx, svc, d.store.ID); err != nil {
		return nil, err
	}
	wa, err := seedDemoRooms(ctx, svc, d)
	if err != nil {
		return nil, err
	}
	if err := m.Sandbox.CreateTemplate(ctx, d.store.ID, &msgcenter.WhatsAppTemplate{
		ChannelID: wa.ID, Name: "order_update", Language: "id", Category: msgcenter.CategoryUtility,
		Type: msgcenter.TemplateType24Hour, Status: msgcenter.TemplateApproved,
		Body:    "Halo {{1}}, ada kabar untuk pesanan {{2}} Kakak. Ketuk tombol di bawah untuk detailnya.",
		Buttons: []msgcenter.TemplateButton{{Type: msgcenter.ButtonURL, Text: "Lihat Pesanan", URL: m.HTTP.PublicURL.String(), Dynamic: true}},
	}); err != nil {
		return nil, err
	}
	// Order Paid's own fallback template: it tells of the payment, and its
	// button, bound to {{order.receipt_path}}, opens the receipt.
	if err := m.Sandbox.CreateTemplate(ctx, d.store.ID, &msgcenter.WhatsAppTemplate{
		ChannelID: wa.ID, Name: "payment_received", Language: "id", Category: msgcenter.CategoryUtility,
		Type: msgcenter.TemplateType24Hour, Status: msgcenter.TemplateApproved,
		Body:    "Halo {{1}}, pembayaran pesanan {{2}} sudah kami terima. Terima kasih! Ketuk tombol di bawah untuk melihat struk Kakak.",
		Buttons: []msgcenter.TemplateButton{{Type: msgcenter.ButtonURL, Text: "Lihat Struk", URL: m.HTTP.PublicURL.String(), Dynamic: true}},
	}); err != nil {
		return nil, err
	}
	if err := m.Sandbox.TopUp(ctx, d.store.ID, 50); err != nil {
		return nil, err
	}
	d.token, err = svc.users.CreateAPIToken(ctx, u.ID, "demo")
	return d, err
}

// seedDemoProducts gives the store four products, one out of stock.
func seedDemoProducts(ctx context.Context, svc services, storeID int64) error {
	for _, p := range []*msgcenter.Product{
		{Name: "Kopi Susu Gula Aren", Price: 25000, Stock: 100},
		{Name: "Croissant Cokelat", Price: 28000, Stock: 40},
		{Name: "Teh Tarik Dingin", Price: 18000, Stock: 60},
		{Name: "Roti Bakar Keju", Price: 22000, Stock: 0},
	} {
		p.StoreID, p.Active = storeID, true
		if err := svc.commerce.CreateProduct(ctx, p); err != nil {
			return err
		}
	}
	return nil
}

// seedDemoRooms gives the store a WhatsApp and an Instagram channel and
// three customers' rooms: one who just wrote, one on Instagram quiet for 30
// hours, and one on WhatsApp whose session expired. It returns the WhatsApp
// channel.
func seedDemoRooms(ctx context.Context, svc services, d *demoShop) (*msgcenter.Channel, error) {
	wa := &msgcenter.Channel{StoreID: d.store.ID, Type: msgcenter.ChannelWhatsApp, Name: "WhatsApp Kopi Nusantara", Phone: "+6222123456"}
	ig := &msgcenter.Channel{StoreID: d.store.ID, Type: msgcenter.ChannelInstagram, Name: "Instagram @kopinusantara"}
	for _, c := range []*msgcenter.Channel{wa, ig} {
		if err := svc.commerce.CreateChannel(ctx, c); err != nil {
			return nil, err
		}
	}
	now := time.Now().UTC()
	d.rooms = []*msgcenter.Room{
		{ChannelID: wa.ID, CustomerName: "Budi Santoso", CustomerPhone: "+6281234567890", LastInboundAt: now},
		{ChannelID: ig.ID, CustomerName: "Sari Wulandari", LastInboundAt: now.Add(-30 * time.Hour)},
		{ChannelID: wa.ID, CustomerName: "Andi Pratama", CustomerPhone: "+6281298765432", LastInboundAt: now.Add(-26 * time.Hour)},
	}
	for _, r := range d.rooms {
		r.StoreID = d.store.ID
		if err := svc.commerce.CreateRoom(ctx, r); err != nil {
			return nil, err
		}
	}
	return wa, nil
}

// printDemo prints the sign-in, the token and a curl that places an order.
func (m *Main) printDemo(d *demoShop) {
	base := m.HTTP.PublicURL.String()
	api := strings.TrimRight(base, "/")
	st, room := d.store, d.rooms[0]
	order := fmt.Sprintf(`curl -H 'Authorization: Bearer %s' -d '{"room_id": %d, "items": [{"product_id": 1, "quantity": 2}], `+
		`"delivery_method": "regular", "payment_method": "qris"}' %s/api/v1/stores/%d/orders`, d.token, room.ID, api, st.ID)
	fmt.Fprintf(m.Config.Stdout, `demo set up:
  dashboard:  %sadmin  (sign in as %s / %s)
  sandbox:    %ssandbox  (the simulated omnichannel, once signed in: rooms, messages, templates)
  store:      %s (id %d, slug %s)
  api token:  %s
  place an order from Budi's WhatsApp room:
    %s
  then see its message at %ssandbox/rooms/%d
`, base, demoEmail, d.password, base, st.Name, st.ID, st.Slug, d.token, order, base, room.ID)
}
