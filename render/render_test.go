package render_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/qiscus/msgcenter"
	"github.com/qiscus/msgcenter/render"
)

// fixture is the fixed order every golden test renders.
func fixture() *render.Data {
	return &render.Data{
		StoreName:    "Toko Kopi Senja",
		CustomerName: "Siti Rahma",
		OrderNumber:  2051,
		Items: []render.Item{
			{Name: "Es Kopi Susu", Quantity: 3, UnitPrice: 18000},
			{Name: "Roti Bakar Keju", Quantity: 1, UnitPrice: 22000},
		},
		Unprocessed: []render.Item{
			{Name: "Matcha Latte", Quantity: 2, UnitPrice: 27000, Reason: msgcenter.UnprocessedOutOfStock},
			{Name: "Kue Lapis", Quantity: 1, UnitPrice: 15000, Reason: msgcenter.UnprocessedInactive},
		},
		ProductSubtotal: 76000,
		DeliveryFee:     10000,
		ServiceFee:      1500,
		GrandTotal:      87500,
		Currency:        "IDR",
		BaseURL:         "https://shop.qiscus.com/",
		DetailsPath:     "order/abc123",
		ReceiptPath:     "receipt/abc123",
		MicrositeURL:    "https://shop.qiscus.com/s/toko-kopi-senja?t=xyz",
		ResumeURL:       "https://shop.qiscus.com/s/toko-kopi-senja/checkout?resume=xyz",
	}
}

// CLDR puts a no-break space between "Rp" and the amount in both locales.
const rp = "Rp\u00a0"

func TestDefaults(t *testing.T) {
	tests := []struct {
		event msgcenter.Event
		lang  msgcenter.Language
		text  string
		label string
		url   string
	}{
		{msgcenter.EventShareMicrositeURL, msgcenter.LanguageEnglish,
			"Hi Siti Rahma! 👋\n\n" +
				"Thanks for chatting with Toko Kopi Senja. You can browse our products and order in just a few taps — tap the button below to start shopping.\n\n" +
				"If you have any questions, just reply to this chat. We're happy to help!",
			"Shop Now", "https://shop.qiscus.com/s/toko-kopi-senja?t=xyz"},
		{msgcenter.EventShareMicrositeURL, msgcenter.LanguageIndonesian,
			"Halo Siti Rahma! 👋\n\n" +
				"Terima kasih sudah menghubungi Toko Kopi Senja. Yuk, lihat produk-produk kami dan pesan langsung dengan mudah — cukup ketuk tombol di bawah ini untuk mulai belanja.\n\n" +
				"Kalau ada yang ingin ditanyakan, balas saja chat ini ya, Kak. Kami siap membantu!",
			"Belanja Sekarang", "https://shop.qiscus.com/s/toko-kopi-senja?t=xyz"},
		{msgcenter.EventOrderFailed, msgcenter.LanguageEnglish,
			"Hi Siti Rahma, we're sorry — your order at Toko Kopi Senja could not be created.\n\n" +
				"These products could not be processed:\n" +
				"2 x Matcha Latte — out of stock\n" +
				"1 x Kue Lapis — no longer sold\n\n" +
				"Tap the button below to shop again and choose other products.",
			"Shop Again", "https://shop.qiscus.com/s/toko-kopi-senja?t=xyz"},
		{msgcenter.EventOrderFailed, msgcenter.LanguageIndonesian,
			"Halo Siti Rahma, mohon maaf, pesanan Kakak di Toko Kopi Senja belum berhasil dibuat.\n\n" +
				"Produk berikut tidak dapat diproses:\n" +
				"2 x Matcha Latte — stok habis\n" +
				"1 x Kue Lapis — tidak dijual lagi\n\n" +
				"Silakan ketuk tombol di bawah untuk belanja lagi dan memilih produk lainnya ya.",
			"Belanja Lagi", "https://shop.qiscus.com/s/toko-kopi-senja?t=xyz"},
		{msgcenter.EventOrderIncomplete, msgcenter.LanguageEnglish,
			"Hi Siti Rahma, your order at Toko Kopi Senja isn't finished yet.\n\n" +
				"Your cart:\n" +
				"3 x Es Kopi Susu — " + rp + "54.000\n" +
				"1 x Roti Bakar Keju — " + rp + "22.000\n\n" +
				"Subtotal: " + rp + "76.000\n\n" +
				"Just add your delivery and payment details to complete it. Tap the button below to continue where you left off.",
			"Complete Order", "https://shop.qiscus.com/s/toko-kopi-senja/checkout?resume=xyz"},
		{msgcenter.EventOrderIncomplete, msgcenter.LanguageIndonesian,
			"Halo Siti Rahma, pesanan Kakak di Toko Kopi Senja belum selesai nih.\n\n" +
				"Keranjang Kakak:\n" +
				"3 x Es Kopi Susu — " + rp + "54.000\n" +
				"1 x Roti Bakar Keju — " + rp + "22.000\n\n" +
				"Subtotal: " + rp + "76.000\n\n" +
				"Tinggal lengkapi detail pengiriman dan pembayaran saja, kok. Ketuk tombol di bawah untuk melanjutkan pesanan ya.",
			"Lanjutkan Pesanan", "https://shop.qiscus.com/s/toko-kopi-senja/checkout?resume=xyz"},
		{msgcenter.EventOrderPlaced, msgcenter.LanguageEnglish,
			"Hi Siti Rahma, thank you for shopping at Toko Kopi Senja! Your order #2051 has been placed.\n\n" +
				"3 x Es Kopi Susu — " + rp + "54.000\n" +
				"1 x Roti Bakar Keju — " + rp + "22.000\n\n" +
				"Subtotal: " + rp + "76.000\n" +
				"Delivery fee: " + rp + "10.000\n" +
				"Service fee: " + rp + "1.500\n" +
				"Total: " + rp + "87.500\n\n" +
				"Tap the button below to see your order details.",
			"View Order", "https://shop.qiscus.com/order/abc123"},
		{msgcenter.EventOrderPlaced, msgcenter.LanguageIndonesian,
			"Halo Siti Rahma, terima kasih sudah berbelanja di Toko Kopi Senja! Pesanan #2051 sudah kami terima.\n\n" +
				"3 x Es Kopi Susu — " + rp + "54.000\n" +
				"1 x Roti Bakar Keju — " + rp + "22.000\n\n" +
				"Subtotal produk: " + rp + "76.000\n" +
				"Ongkos kirim: " + rp + "10.000\n" +
				"Biaya layanan: " + rp + "1.500\n" +
				"Total: " + rp + "87.500\n\n" +
				"Ketuk tombol di bawah untuk melihat detail pesanan Kakak.",
			"Lihat Pesanan", "https://shop.qiscus.com/order/abc123"},
		{msgcenter.EventOrderPaid, msgcenter.LanguageEnglish,
			"Hi Siti Rahma, we've received your payment of " + rp + "87.500 for order #2051. Thank you for shopping at Toko Kopi Senja!\n\n" +
				"We're preparing your order now. Tap the button below to view your receipt.",
			"View Receipt", "https://shop.qiscus.com/receipt/abc123"},
		{msgcenter.EventOrderPaid, msgcenter.LanguageIndonesian,
			"Halo Siti Rahma, pembayaran sebesar " + rp + "87.500 untuk pesanan #2051 sudah kami terima. Terima kasih sudah berbelanja di Toko Kopi Senja!\n\n" +
				"Pesanan Kakak sedang kami siapkan. Ketuk tombol di bawah untuk melihat struk pembayaran.",
			"Lihat Struk", "https://shop.qiscus.com/receipt/abc123"},
	}
	if err := render.CheckDefaults(); err != nil {
		t.Fatalf("CheckDefaults: %v", err)
	}
	for _, tt := range tests {
		t.Run(string(tt.lang)+"/"+string(tt.event), func(t *testing.T) {
			c := msgcenter.DefaultMessageConfig(1, tt.event)
			c.Language = tt.lang
			m, err := render.RenderMessage(c, fixture())
			if err != nil {
				t.Fatalf("RenderMessage: %v", err)
			}
			if m.Text != tt.text {
				t.Errorf("text:\n got %q\nwant %q", m.Text, tt.text)
			}
			if m.Button != (render.Button{Label: tt.label, URL: tt.url}) {
				t.Errorf("button = %+v, want {%s %s}", m.Button, tt.label, tt.url)
			}
		})
	}
	t.Run("CoversEveryEventAndLanguage", func(t *testing.T) {
		if want := len(msgcenter.Events()) * len(msgcenter.Languages()); len(tests) != want {
			t.Fatalf("%d golden cases, want %d", len(tests), want)
		}
	})
}

// TestDefaultsAreValid checks every default against the table: it uses only
// placeholders of its event and its label fits a button.
func TestDefaultsAreValid(t *testing.T) {
	for _, lang := range msgcenter.Languages() {
		for _, event := range msgcenter.Events() {
			t.Run(string(lang)+"/"+string(event), func(t *testing.T) {
				body, label := render.Default(event, lang)
				if body == "" || label == "" {
					t.Fatalf("empty default: body %q label %q", body, label)
				}
				if err := render.Check(event, body); err != nil {
					t.Errorf("Check: %v", err)
				}
				if err := render.CheckButtonLabel(label); err != nil {
					t.Errorf("CheckButtonLabel: %v", err)
				}
				if n := utf8.RuneCountInString(label); n > msgcenter.MaxButtonLabelLength {
					t.Errorf("label %q has %d characters", label, n)
				}
				if n := utf8.RuneCountInString(body); n > msgcenter.MaxBodyLength {
					t.Errorf("body has %d characters", n)
				}
			})
		}
	}
	t.Run("UnknownLanguageIsEnglish", func(t *testing.T) {
		got, _ := render.Default(msgcenter.EventOrderPaid, "fr")
		want, _ := render.Default(msgcenter.EventOrderPaid, msgcenter.LanguageEnglish)
		if got != want {
			t.Errorf("got %q", got)
		}
	})
	t.Run("UnknownEvent", func(t *testing.T) {
		if b, l := render.Default("nope", msgcenter.LanguageEnglish); b != "" || l != "" {
			t.Errorf("got %q, %q", b, l)
		}
	})
}

func TestContent(t *testing.T) {
	c := &msgcenter.MessageConfig{Event: msgcenter.EventOrderPaid, Type: msgcenter.MessageTypeDefault,
		Language: msgcenter.LanguageIndonesian, Body: "ignored", ButtonLabel: "ignored"}
	body, label := render.Content(c)
	wantBody, wantLabel := render.Default(msgcenter.EventOrderPaid, msgcenter.LanguageIndonesian)
	if body != wantBody || label != wantLabel {
		t.Errorf("default: got %q, %q", body, label)
	}
	c.Type = msgcenter.MessageTypeCustom
	if body, label := render.Content(c); body != "ignored" || label != "ignored" {
		t.Errorf("custom: got %q, %q", body, label)
	}
}

// TestValues renders a body made only of placeholders, one per line.
func TestValues(t *testing.T) {
	tests := []struct {
		event msgcenter.Event
		body  string
		want  string
	}{
		{msgcenter.EventOrderPaid,
			"{{store_name}}|{{customer.name}}|{{order_id}}\n{{order.products}}\n" +
				"{{order.product_subtotal}}|{{order.delivery_fee}}|{{order.service_fee}}|{{order.grand_total}}\n" +
				"{{order_details_link}}|{{order_receipt_link}}|{{order.details_path}}|{{order.receipt_path}}",
			"Toko Kopi Senja|Siti Rahma|#2051\n3 x Es Kopi Susu — " + rp + "54.000\n1 x Roti Bakar Keju — " + rp + "22.000\n" +
				rp + "76.000|" + rp + "10.000|" + rp + "1.500|" + rp + "87.500\n" +
				"https://shop.qiscus.com/order/abc123|https://shop.qiscus.com/receipt/abc123|order/abc123|receipt/abc123"},
		{msgcenter.EventOrderFailed,
			"{{order.unprocessed_products}}\n{{order.products}}",
			"2 x Matcha Latte — stok habis\n1 x Kue Lapis — tidak dijual lagi\n3 x Es Kopi Susu — " + rp + "54.000\n1 x Roti Bakar Keju — " + rp + "22.000"},
	}
	for _, tt := range tests {
		t.Run(string(tt.event), func(t *testing.T) {
			tmpl, err := render.Parse(tt.event, tt.body)
			if err != nil {
				t.Fatal(err)
			}
			if got := tmpl.Render(render.NewValues(fixture(), msgcenter.LanguageIndonesian)); got != tt.want {
				t.Errorf("\n got %q\nwant %q", got, tt.want)
			}
		})
	}
	t.Run("Get", func(t *testing.T) {
		v := render.NewValues(fixture(), msgcenter.LanguageEnglish)
		for name, want := range map[string]string{
			"order.details_path": "order/abc123", "{{ order.receipt_path }}": "receipt/abc123",
			"username": "Siti Rahma", "grand_total": rp + "87.500",
		} {
			if got, ok := v.Get(name); !ok || got != want {
				t.Errorf("Get(%q) = %q, %v; want %q", name, got, ok, want)
			}
		}
		if _, ok := v.Get("foo"); ok {
			t.Error("Get(foo) found")
		}
	})
	t.Run("ZeroValuesRenderEmpty", func(t *testing.T) {
		tmpl, _ := render.Parse(msgcenter.EventOrderPaid, "a{{order_id}}b")
		if got := tmpl.Render(&render.Values{}); got != "ab" {
			t.Errorf("got %q", got)
		}
		if got := tmpl.Render(nil); got != "ab" {
			t.Errorf("nil: got %q", got)
		}
	})
}

func TestCustomerFallback(t *testing.T) {
	for _, name := range []string{"", "   "} {
		t.Run("Name"+strings.Repeat("_", len(name)), func(t *testing.T) {
			d := fixture()
			d.CustomerName = name
			tmpl, _ := render.Parse(msgcenter.EventShareMicrositeURL, "Halo {{customer.name}}!")
			if got := tmpl.Render(render.NewValues(d, msgcenter.LanguageIndonesian)); got != "Halo Kak!" {
				t.Errorf("got %q", got)
			}
		})
	}
}

func TestAliases(t *testing.T) {
	v := render.NewValues(fixture(), msgcenter.LanguageEnglish)
	tmpl, err := render.Parse(msgcenter.EventOrderPlaced, "{{username}} {{ grand_total }}")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := tmpl.Render(v), "Siti Rahma "+rp+"87.500"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	t.Run("AvailableWhereTargetIs", func(t *testing.T) {
		for _, e := range msgcenter.Events() {
			if render.Available(e, "username") != render.Available(e, "customer.name") ||
				render.Available(e, "grand_total") != render.Available(e, "order.grand_total") {
				t.Errorf("%s: alias availability differs from target", e)
			}
		}
		err := render.Check(msgcenter.EventOrderIncomplete, "{{grand_total}}")
		if f := msgcenter.ErrorFields(err)["body"]; !strings.Contains(f, "{{grand_total}} is not available for order_incomplete") {
			t.Errorf("got %v", err)
		}
	})
	t.Run("NotListedAsRows", func(t *testing.T) {
		for _, p := range render.Placeholders(msgcenter.EventOrderPaid) {
			if p.Name == "username" || p.Name == "grand_total" {
				t.Errorf("alias %q listed as a row", p.Name)
			}
		}
	})
}

func TestPlaceholders(t *testing.T) {
	base := []string{"store_name", "customer.name"}
	placed := append(append([]string{}, base...), "order_id", "order.products", "order.product_subtotal",
		"order.delivery_fee", "order.service_fee", "order.grand_total", "order_details_link", "order.details_path")
	want := map[msgcenter.Event][]string{
		msgcenter.EventShareMicrositeURL: base,
		msgcenter.EventOrderFailed:       append(append([]string{}, base...), "order.unprocessed_products", "order.products"),
		msgcenter.EventOrderIncomplete:   append(append([]string{}, base...), "order.products", "order.product_subtotal"),
		msgcenter.EventOrderPlaced:       placed,
		msgcenter.EventOrderPaid: []string{"store_name", "customer.name", "order_id", "order.products", "order.product_subtotal",
			"order.delivery_fee", "order.service_fee", "order.grand_total", "order_details_link", "order_receipt_link",
			"order.details_path", "order.receipt_path"},
	}
	for _, e := range msgcenter.Events() {
		t.Run(string(e), func(t *testing.T) {
			var got []string
			for _, p := range render.Placeholders(e) {
				got = append(got, p.Name)
				if p.Description == "" || p.Sample == "" {
					t.Errorf("%s: empty description or sample", p.Name)
				}
			}
			if strings.Join(got, ",") != strings.Join(want[e], ",") {
				t.Errorf("got  %v\nwant %v", got, want[e])
			}
		})
	}
	t.Run("UnknownEvent", func(t *testing.T) {
		if got := render.Placeholders("nope"); got != nil {
			t.Errorf("got %v", got)
		}
	})
}

func TestParse(t *testing.T) {
	v := render.NewValues(fixture(), msgcenter.LanguageEnglish)
	ok := []struct{ name, body, want string }{
		{"Spaces", "{{ order_id }}|{{order_id   }}|{{\torder_id\n}}", "#2051|#2051|#2051"},
		{"OnlyPlaceholders", "{{store_name}}{{order_id}}{{customer.name}}", "Toko Kopi Senja#2051Siti Rahma"},
		{"LoneClosingIsText", "}} a } b }}}", "}} a } b }}}"},
		{"SingleBraceIsText", "{order_id} { {order_id} }", "{order_id} { {order_id} }"},
		{"TextKeptByteForByte", "<script>alert(1)</script> & \"q\"\r\n🎉 {{order_id}} 👍\n\n", "<script>alert(1)</script> & \"q\"\r\n🎉 #2051 👍\n\n"},
		{"Empty", "", ""},
		{"NoPlaceholders", "Terima kasih!", "Terima kasih!"},
		{"ClosingAfterPlaceholder", "{{order_id}}}", "#2051}"},
	}
	for _, tt := range ok {
		t.Run(tt.name, func(t *testing.T) {
			tmpl, err := render.Parse(msgcenter.EventOrderPaid, tt.body)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if got := tmpl.Render(v); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}

	bad := []struct{ name, body, want string }{
		{"ErrUnclosed", "Hi\n  {{order_id", "unclosed {{ at line 2, column 3"},
		{"ErrUnclosedBeforeOpen", "{{ {{order_id}}", "unclosed {{ at line 1, column 1"},
		{"ErrEmpty", "a {{  }} b", "empty placeholder {{ }} at line 1, column 3"},
		{"ErrUnknownPlaceholder", "x\n👋 {{ foo }}", "unknown placeholder {{foo}} at line 2, column 3"},
		{"ErrTripleBrace", "{{{order_id}}}", "unknown placeholder {{{order_id}} at line 1, column 1"},
		{"ErrCaseSensitive", "{{Order_ID}}", "unknown placeholder {{Order_ID}}"},
		{"ErrLongNameIsCut", "{{" + strings.Repeat("x", 100) + "}}", "{{" + strings.Repeat("x", 40) + "…}}"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			_, err := render.Parse(msgcenter.EventOrderPaid, tt.body)
			assertInvalid(t, err, "body", tt.want)
			if err2 := render.Check(msgcenter.EventOrderPaid, tt.body); err2 == nil || err2.Error() != err.Error() {
				t.Errorf("Check and Parse disagree: %v / %v", err2, err)
			}
		})
	}

	t.Run("ErrEveryProblem", func(t *testing.T) {
		err := render.Check(msgcenter.EventOrderFailed, "{{order_id}} ok {{store_name}}\nline {{foo}} {{ }} {{x")
		want := "{{order_id}} is not available for order_failed at line 1, column 1; " +
			"unknown placeholder {{foo}} at line 2, column 6; " +
			"empty placeholder {{ }} at line 2, column 14; " +
			"unclosed {{ at line 2, column 20. " +
			"Available: {{store_name}}, {{customer.name}}, {{order.unprocessed_products}}, {{order.products}}"
		assertInvalid(t, err, "body", want)
		if got := msgcenter.ErrorFields(err)["body"]; got != want {
			t.Errorf("\n got %q\nwant %q", got, want)
		}
	})
	t.Run("ErrTooManyPlaceholders", func(t *testing.T) {
		body := strings.Repeat("{{store_name}}", render.MaxPlaceholders)
		if err := render.Check(msgcenter.EventOrderPaid, body); err != nil {
			t.Fatalf("%d placeholders refused: %v", render.MaxPlaceholders, err)
		}
		err := render.Check(msgcenter.EventOrderPaid, body+" {{order_id}}")
		assertInvalid(t, err, "body", "uses 201 placeholders; at most 200 are allowed")
	})
	t.Run("ErrUnknownEvent", func(t *testing.T) {
		assertInvalid(t, render.Check("nope", "hi"), "event", "must be one of")
	})
}

// TestRefusedPerEvent uses, for each event, a placeholder it does not have.
func TestRefusedPerEvent(t *testing.T) {
	tests := []struct {
		event     msgcenter.Event
		name      string
		available string
	}{
		{msgcenter.EventShareMicrositeURL, "order_id", "{{store_name}}, {{customer.name}}"},
		{msgcenter.EventOrderFailed, "order.grand_total", "{{store_name}}, {{customer.name}}, {{order.unprocessed_products}}, {{order.products}}"},
		{msgcenter.EventOrderIncomplete, "order_details_link", "{{store_name}}, {{customer.name}}, {{order.products}}, {{order.product_subtotal}}"},
		{msgcenter.EventOrderPlaced, "order_receipt_link", "{{store_name}}, {{customer.name}}, {{order_id}}, {{order.products}}, {{order.product_subtotal}}, " +
			"{{order.delivery_fee}}, {{order.service_fee}}, {{order.grand_total}}, {{order_details_link}}, {{order.details_path}}"},
		{msgcenter.EventOrderPaid, "order.unprocessed_products", "{{store_name}}, {{customer.name}}, {{order_id}}, {{order.products}}, {{order.product_subtotal}}, " +
			"{{order.delivery_fee}}, {{order.service_fee}}, {{order.grand_total}}, {{order_details_link}}, {{order_receipt_link}}, {{order.details_path}}, {{order.receipt_path}}"},
	}
	for _, tt := range tests {
		t.Run(string(tt.event), func(t *testing.T) {
			err := render.Check(tt.event, "Hi {{customer.name}}, {{ "+tt.name+" }}")
			want := "{{" + tt.name + "}} is not available for " + string(tt.event) + " at line 1, column 23. Available: " + tt.available
			assertInvalid(t, err, "body", want)
			if got := msgcenter.ErrorFields(err)["body"]; got != want {
				t.Errorf("\n got %q\nwant %q", got, want)
			}
		})
	}
}

func TestButtonLabel(t *testing.T) {
	c := &msgcenter.MessageConfig{Event: msgcenter.EventOrderPlaced, Type: msgcenter.MessageTypeCustom,
		Language: msgcenter.LanguageEnglish, Body: "Order {{order_id}}", ButtonLabel: "See {{ order_id }}"}
	t.Run("ErrPlaceholderInLabel", func(t *testing.T) {
		_, err := render.RenderMessage(c, fixture())
		assertInvalid(t, err, "button_label", "cannot contain placeholders such as {{order_id}} at line 1, column 5")
		assertInvalid(t, render.CheckConfig(c), "button_label", "{{order_id}}")
	})
	t.Run("ErrBodyAndLabel", func(t *testing.T) {
		c := *c
		c.Body = "{{foo}}"
		err := render.CheckConfig(&c)
		assertInvalid(t, err, "body", "unknown placeholder {{foo}}")
		assertInvalid(t, err, "button_label", "{{order_id}}")
	})
	t.Run("ErrUnclosedInLabel", func(t *testing.T) {
		assertInvalid(t, render.CheckButtonLabel("Buy {{"), "button_label", "cannot contain {{ at line 1, column 5")
	})
	t.Run("PlainLabel", func(t *testing.T) {
		c := *c
		c.ButtonLabel = "See order }}"
		m, err := render.RenderMessage(&c, fixture())
		if err != nil {
			t.Fatal(err)
		}
		want := render.Message{Text: "Order #2051", Button: render.Button{Label: "See order }}", URL: "https://shop.qiscus.com/order/abc123"}}
		if *m != want {
			t.Errorf("got %+v", *m)
		}
	})
	t.Run("DefaultConfigPasses", func(t *testing.T) {
		if err := render.CheckConfig(msgcenter.DefaultMessageConfig(1, msgcenter.EventOrderPaid)); err != nil {
			t.Error(err)
		}
	})
}

func TestButtonURL(t *testing.T) {
	d := fixture()
	want := map[msgcenter.Event]string{
		msgcenter.EventShareMicrositeURL: d.MicrositeURL,
		msgcenter.EventOrderFailed:       d.MicrositeURL,
		msgcenter.EventOrderIncomplete:   d.ResumeURL,
		msgcenter.EventOrderPlaced:       "https://shop.qiscus.com/order/abc123",
		msgcenter.EventOrderPaid:         "https://shop.qiscus.com/receipt/abc123",
	}
	for _, e := range msgcenter.Events() {
		t.Run(string(e), func(t *testing.T) {
			if got := render.ButtonURL(e, d); got != want[e] {
				t.Errorf("got %q, want %q", got, want[e])
			}
		})
	}
	t.Run("Nil", func(t *testing.T) {
		if got := render.ButtonURL(msgcenter.EventOrderPaid, nil); got != "" {
			t.Errorf("got %q", got)
		}
	})
}

// TestLinks joins base URLs with and without a trailing slash, and paths
// with and without a leading one.
func TestLinks(t *testing.T) {
	for _, base := range []string{"https://shop.example.com", "https://shop.example.com/", "https://shop.example.com//"} {
		for _, path := range []string{"order/t0k", "/order/t0k"} {
			t.Run(base+"+"+path, func(t *testing.T) {
				d := &render.Data{BaseURL: base, DetailsPath: path, ReceiptPath: strings.Replace(path, "order", "receipt", 1)}
				tmpl, _ := render.Parse(msgcenter.EventOrderPaid, "{{order_details_link}} {{order_receipt_link}} {{order.details_path}} {{order.receipt_path}}")
				got := tmpl.Render(render.NewValues(d, msgcenter.LanguageEnglish))
				want := "https://shop.example.com/order/t0k https://shop.example.com/receipt/t0k order/t0k receipt/t0k"
				if got != want {
					t.Errorf("got %q", got)
				}
				if u := render.ButtonURL(msgcenter.EventOrderPlaced, d); u != "https://shop.example.com/order/t0k" {
					t.Errorf("button URL %q", u)
				}
			})
		}
	}
}

func TestFormatMoney(t *testing.T) {
	tests := []struct {
		amount int64
		cur    string
		lang   msgcenter.Language
		want   string
	}{
		{50000, "IDR", msgcenter.LanguageIndonesian, rp + "50.000"},
		{50000, "IDR", msgcenter.LanguageEnglish, rp + "50.000"},
		{1234567, "IDR", msgcenter.LanguageIndonesian, rp + "1.234.567"},
		{0, "IDR", msgcenter.LanguageIndonesian, rp + "0"},
		{500, "XYZ", msgcenter.LanguageEnglish, "XYZ 500"},
	}
	for _, tt := range tests {
		t.Run(tt.cur+"/"+string(tt.lang)+"/"+tt.want, func(t *testing.T) {
			if got := render.FormatMoney(tt.amount, tt.cur, tt.lang); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestSampleData(t *testing.T) {
	d := render.SampleData("Kopi Kita", "https://shop.example.com/")
	for _, e := range msgcenter.Events() {
		c := msgcenter.DefaultMessageConfig(1, e)
		m, err := render.RenderMessage(c, d)
		if err != nil {
			t.Fatalf("%s: %v", e, err)
		}
		if !strings.HasPrefix(m.Button.URL, "https://shop.example.com/") || strings.Contains(m.Button.URL, ".com//") {
			t.Errorf("%s: button URL %q", e, m.Button.URL)
		}
		if !strings.Contains(m.Text, "Budi Santoso") {
			t.Errorf("%s: text %q", e, m.Text)
		}
	}
}

func TestRenderAllocs(t *testing.T) {
	body, _ := render.Default(msgcenter.EventOrderPaid, msgcenter.LanguageIndonesian)
	tmpl, err := render.Parse(msgcenter.EventOrderPaid, body)
	if err != nil {
		t.Fatal(err)
	}
	v := render.NewValues(fixture(), msgcenter.LanguageIndonesian)
	if n := testing.AllocsPerRun(100, func() { _ = tmpl.Render(v) }); n != 1 {
		t.Errorf("Render made %v allocations, want 1", n)
	}
}

func assertInvalid(t *testing.T, err error, field, contains string) {
	t.Helper()
	if code := msgcenter.ErrorCode(err); code != msgcenter.EINVALID {
		t.Fatalf("code = %q (%v), want EINVALID", code, err)
	}
	if field == "body" && msgcenter.ErrorMessage(err) != render.ErrMessage {
		t.Errorf("message = %q", msgcenter.ErrorMessage(err))
	}
	if got := msgcenter.ErrorFields(err)[field]; !strings.Contains(got, contains) {
		t.Errorf("field %s = %q, want it to contain %q", field, got, contains)
	}
}

// TestRenderMessageLanguage checks that a custom message's placeholders
// (money, an unprocessed line's cause) follow the store's language, and a
// default message's its own, as the fallback's do (MessageLanguage).
func TestRenderMessageLanguage(t *testing.T) {
	d := fixture()
	d.StoreLanguage = msgcenter.LanguageIndonesian
	custom := &msgcenter.MessageConfig{Event: msgcenter.EventOrderFailed, Type: msgcenter.MessageTypeCustom,
		Language: msgcenter.LanguageEnglish, Body: "Maaf:\n{{order.unprocessed_products}}", ButtonLabel: "Belanja"}
	msg, err := render.RenderMessage(custom, d)
	if err != nil {
		t.Fatal(err)
	}
	if want := "Maaf:\n2 x Matcha Latte — stok habis\n1 x Kue Lapis — tidak dijual lagi"; msg.Text != want {
		t.Errorf("custom message in an Indonesian store: %q, want %q", msg.Text, want)
	}
	def := msgcenter.DefaultMessageConfig(1, msgcenter.EventOrderFailed)
	def.Language = msgcenter.LanguageEnglish
	if msg, _ = render.RenderMessage(def, d); !strings.Contains(msg.Text, "2 x Matcha Latte — out of stock") {
		t.Errorf("English default message in an Indonesian store: %q", msg.Text)
	}
}
