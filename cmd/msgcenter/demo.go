package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/qiscus/msgcenter"
	"github.com/qiscus/msgcenter/provider/sandbox"
)

// demoEmail is the demo admin's sign-in.
const demoEmail = "demo@msgcenter.local"

// demoShop is what the demo seeds: the store, its customers' rooms, and the
// admin's password and API token.
type demoShop struct {
	store           *msgcenter.Store
	rooms           []*msgcenter.Room
	platformRooms   []int64 // the rooms' ids on the local Qiscus, in the same order
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
	wa, err := m.seedDemoRooms(ctx, svc, d)
	if err != nil {
		return nil, err
	}
	// The template and the credits are the platform's: WhatsApp's review
	// and the app's balance, set on the local Qiscus.
	if err := m.Sandbox.CreatePlatformTemplate(ctx, d.store.ID, &msgcenter.WhatsAppTemplate{
		ChannelID: wa, Name: "order_update", Language: "id", Category: msgcenter.CategoryUtility,
		Type: msgcenter.TemplateType24Hour, Status: msgcenter.TemplateApproved,
		Body:    "Halo {{1}}, ada kabar untuk pesanan {{2}} Kakak. Ketuk tombol di bawah untuk detailnya.",
		Buttons: []msgcenter.TemplateButton{{Type: msgcenter.ButtonURL, Text: "Lihat Pesanan", URL: m.HTTP.PublicURL.String(), Dynamic: true}},
	}); err != nil {
		return nil, err
	}
	// Order Paid's own fallback template: it tells of the payment, and its
	// button, bound to {{order.receipt_path}}, opens the receipt.
	if err := m.Sandbox.CreatePlatformTemplate(ctx, d.store.ID, &msgcenter.WhatsAppTemplate{
		ChannelID: wa, Name: "payment_received", Language: "id", Category: msgcenter.CategoryUtility,
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

// seedDemoRooms gives the store's app on the local Qiscus a WhatsApp and an
// Instagram channel, which msgcenter knows by their platform ids, and three
// customers who write first, as on a real channel: one who just wrote, one
// on Instagram quiet for 30 hours, and one on WhatsApp whose session
// expired. Each message reaches msgcenter by the inbound webhook, which
// makes the room. It returns the platform id of the WhatsApp channel.
func (m *Main) seedDemoRooms(ctx context.Context, svc services, d *demoShop) (int64, error) {
	if m.local == nil {
		return 0, errors.New("the demo seeds the sandbox's local Qiscus: run it with --provider sandbox")
	}
	pwa := &sandbox.PlatformChannel{StoreID: d.store.ID, Type: msgcenter.ChannelWhatsApp, Name: "WhatsApp Kopi Nusantara", Phone: "+6222123456"}
	pig := &sandbox.PlatformChannel{StoreID: d.store.ID, Type: msgcenter.ChannelInstagram, Name: "Instagram @kopinusantara"}
	for _, pc := range []*sandbox.PlatformChannel{pwa, pig} {
		if err := m.Sandbox.CreateChannel(ctx, pc); err != nil {
			return 0, err
		}
		c := &msgcenter.Channel{StoreID: d.store.ID, Type: pc.Type, Name: pc.Name, Phone: pc.Phone, ExternalID: strconv.FormatInt(pc.ID, 10)}
		if err := svc.commerce.CreateChannel(ctx, c); err != nil {
			return 0, err
		}
	}
	for _, c := range []struct {
		channel     int64
		name, phone string
		ago         time.Duration
	}{
		{pwa.ID, "Budi Santoso", "+6281234567890", 0},
		{pig.ID, "Sari Wulandari", "", 30 * time.Hour},
		{pwa.ID, "Andi Pratama", "+6281298765432", 26 * time.Hour},
	} {
		pr := &sandbox.PlatformRoom{StoreID: d.store.ID, ChannelID: c.channel, CustomerName: c.name, CustomerUserID: c.phone}
		if err := m.Sandbox.CreateRoom(ctx, pr); err != nil {
			return 0, err
		}
		if _, err := m.Sandbox.CustomerWroteAgo(ctx, d.store.ID, pr.ID, "Halo kak, kopinya masih ada?", c.ago); err != nil {
			return 0, err
		}
		room, err := svc.commerce.FindRoomByExternalID(ctx, d.store.ID, pr.ExternalID())
		if err != nil {
			return 0, err
		}
		d.rooms = append(d.rooms, room)
		d.platformRooms = append(d.platformRooms, pr.ID)
	}
	return pwa.ID, nil
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
`, base, demoEmail, d.password, base, st.Name, st.ID, st.Slug, d.token, order, base, d.platformRooms[0])
}
