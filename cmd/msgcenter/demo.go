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

// seedDemo creates, on an empty database, a demo admin with a store that
// has products, a WhatsApp and an Instagram channel with customers' rooms, a
// WhatsApp template and credits for the fallback, and an API token; then
// prints how to use them.
func (m *Main) seedDemo(ctx context.Context, svc services) error {
	const email = "demo@msgcenter.local"
	if _, err := svc.users.FindUserByEmail(ctx, email); err == nil {
		fmt.Fprintf(m.Config.Stdout, "demo: already set up; sign in at %sadmin as %s (password printed at first start)\n", m.HTTP.PublicURL, email)
		return nil
	} else if msgcenter.ErrorCode(err) != msgcenter.ENOTFOUND {
		return err
	}
	pw := make([]byte, 8)
	if _, err := rand.Read(pw); err != nil {
		return err
	}
	password := hex.EncodeToString(pw)
	u, err := svc.users.CreateUser(ctx, email, password)
	if err != nil {
		return err
	}
	st := &msgcenter.Store{Name: "Kopi Nusantara", OwnerID: u.ID, Address: "Jl. Braga No. 12, Bandung"}
	if err := svc.stores.CreateStore(ctx, st); err != nil {
		return err
	}
	for _, p := range []*msgcenter.Product{
		{Name: "Kopi Susu Gula Aren", Price: 25000, Stock: 100},
		{Name: "Croissant Cokelat", Price: 28000, Stock: 40},
		{Name: "Teh Tarik Dingin", Price: 18000, Stock: 60},
		{Name: "Roti Bakar Keju", Price: 22000, Stock: 0},
	} {
		p.StoreID, p.Active = st.ID, true
		if err := svc.commerce.CreateProduct(ctx, p); err != nil {
			return err
		}
	}
	wa := &msgcenter.Channel{StoreID: st.ID, Type: msgcenter.ChannelWhatsApp, Name: "WhatsApp Kopi Nusantara", Phone: "+6222123456"}
	ig := &msgcenter.Channel{StoreID: st.ID, Type: msgcenter.ChannelInstagram, Name: "Instagram @kopinusantara"}
	for _, c := range []*msgcenter.Channel{wa, ig} {
		if err := svc.commerce.CreateChannel(ctx, c); err != nil {
			return err
		}
	}
	now := time.Now().UTC()
	rooms := []*msgcenter.Room{
		{ChannelID: wa.ID, CustomerName: "Budi Santoso", CustomerPhone: "+6281234567890", LastInboundAt: now},
		{ChannelID: ig.ID, CustomerName: "Sari Wulandari", LastInboundAt: now.Add(-30 * time.Hour)},
		{ChannelID: wa.ID, CustomerName: "Andi Pratama", CustomerPhone: "+6281298765432", LastInboundAt: now.Add(-26 * time.Hour)},
	}
	for _, r := range rooms {
		r.StoreID = st.ID
		if err := svc.commerce.CreateRoom(ctx, r); err != nil {
			return err
		}
	}
	base := m.HTTP.PublicURL.String()
	if err := m.Sandbox.CreateTemplate(ctx, st.ID, &msgcenter.WhatsAppTemplate{
		ChannelID: wa.ID, Name: "order_update", Language: "id", Category: msgcenter.CategoryUtility,
		Type: msgcenter.TemplateType24Hour, Status: msgcenter.TemplateApproved,
		Body:    "Halo {{1}}, ada kabar untuk pesanan {{2}} Kakak. Ketuk tombol di bawah untuk detailnya.",
		Buttons: []msgcenter.TemplateButton{{Type: msgcenter.ButtonURL, Text: "Lihat Pesanan", URL: base, Dynamic: true}},
	}); err != nil {
		return err
	}
	if err := m.Sandbox.TopUp(ctx, st.ID, 50); err != nil {
		return err
	}
	token, err := svc.users.CreateAPIToken(ctx, u.ID, "demo")
	if err != nil {
		return err
	}
	api := strings.TrimRight(base, "/")
	order := fmt.Sprintf(`curl -H 'Authorization: Bearer %s' -d '{"room_id": %d, "items": [{"product_id": 1, "quantity": 2}], `+
		`"delivery_method": "regular", "payment_method": "qris"}' %s/api/v1/stores/%d/orders`, token, rooms[0].ID, api, st.ID)
	fmt.Fprintf(m.Config.Stdout, `demo set up:
  dashboard:  %sadmin  (sign in as %s / %s)
  sandbox:    %ssandbox  (the simulated omnichannel, once signed in: rooms, messages, templates)
  store:      %s (id %d, slug %s)
  api token:  %s
  place an order from Budi's WhatsApp room:
    %s
  then see its message at %ssandbox/rooms/%d
`, base, email, password, base, st.Name, st.ID, st.Slug, token, order, base, rooms[0].ID)
	return nil
}
