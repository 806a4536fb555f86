package render_test

import (
	"bytes"
	"strings"
	"testing"
	"text/template"

	"github.com/osteele/liquid"
	"github.com/qiscus/msgcenter"
	"github.com/qiscus/msgcenter/render"
)

// customPaid uses every placeholder available for order_paid.
const customPaid = `Halo {{customer.name}}! Pembayaran pesanan {{order_id}} di {{store_name}} sudah kami terima 🎉

{{order.products}}

Subtotal: {{order.product_subtotal}}
Ongkir: {{order.delivery_fee}}
Biaya layanan: {{order.service_fee}}
Total: {{order.grand_total}}

Detail pesanan: {{order_details_link}}
Struk: {{order_receipt_link}}
({{order.details_path}} / {{order.receipt_path}})`

// textFields are the same precomputed strings for text/template, so that the
// comparison measures template execution only.
type textFields struct {
	StoreName, CustomerName, OrderID, Products, Unprocessed, Subtotal, DeliveryFee,
	ServiceFee, GrandTotal, DetailsLink, ReceiptLink, DetailsPath, ReceiptPath string
}

var toTextTemplate = strings.NewReplacer(
	"{{store_name}}", "{{.StoreName}}", "{{customer.name}}", "{{.CustomerName}}", "{{order_id}}", "{{.OrderID}}",
	"{{order.products}}", "{{.Products}}", "{{order.product_subtotal}}", "{{.Subtotal}}",
	"{{order.delivery_fee}}", "{{.DeliveryFee}}", "{{order.service_fee}}", "{{.ServiceFee}}",
	"{{order.grand_total}}", "{{.GrandTotal}}", "{{order_details_link}}", "{{.DetailsLink}}",
	"{{order_receipt_link}}", "{{.ReceiptLink}}", "{{order.details_path}}", "{{.DetailsPath}}",
	"{{order.receipt_path}}", "{{.ReceiptPath}}",
)

func BenchmarkRender(b *testing.B) {
	defaultPaid, _ := render.Default(msgcenter.EventOrderPaid, msgcenter.LanguageIndonesian)
	d := render.SampleData("Kopi Kita", "https://shop.qiscus.com/")
	v := render.NewValues(d, msgcenter.LanguageIndonesian)
	get := func(name string) string { s, _ := v.Get(name); return s }
	fields := textFields{
		StoreName: get("store_name"), CustomerName: get("customer.name"), OrderID: get("order_id"),
		Products: get("order.products"), Subtotal: get("order.product_subtotal"),
		DeliveryFee: get("order.delivery_fee"), ServiceFee: get("order.service_fee"), GrandTotal: get("order.grand_total"),
		DetailsLink: get("order_details_link"), ReceiptLink: get("order_receipt_link"),
		DetailsPath: get("order.details_path"), ReceiptPath: get("order.receipt_path"),
	}
	bindings := liquid.Bindings{
		"store_name": fields.StoreName, "order_id": fields.OrderID,
		"order_details_link": fields.DetailsLink, "order_receipt_link": fields.ReceiptLink,
		"customer": map[string]any{"name": fields.CustomerName},
		"order": map[string]any{
			"products": fields.Products, "product_subtotal": fields.Subtotal, "delivery_fee": fields.DeliveryFee,
			"service_fee": fields.ServiceFee, "grand_total": fields.GrandTotal,
			"details_path": fields.DetailsPath, "receipt_path": fields.ReceiptPath,
		},
	}
	engine := liquid.NewEngine()

	for _, c := range []struct{ name, body string }{{"DefaultPaid", defaultPaid}, {"CustomPaid", customPaid}} {
		ours, err := render.Parse(msgcenter.EventOrderPaid, c.body)
		if err != nil {
			b.Fatal(err)
		}
		want := ours.Render(v)
		tt := template.Must(template.New(c.name).Parse(toTextTemplate.Replace(c.body)))
		lt, serr := engine.ParseString(c.body)
		if serr != nil {
			b.Fatal(serr)
		}

		b.Run(c.name+"/render", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = ours.Render(v)
			}
		})
		// text/template executes into one reused bytes.Buffer, then takes a
		// string of it, so it returns the same string ours does.
		b.Run(c.name+"/text_template", func(b *testing.B) {
			var buf bytes.Buffer
			if err := tt.Execute(&buf, &fields); err != nil || buf.String() != want {
				b.Fatalf("text/template output differs: %v\n%q", err, buf.String())
			}
			b.ReportAllocs()
			for b.Loop() {
				buf.Reset()
				_ = tt.Execute(&buf, &fields)
				_ = buf.String()
			}
		})
		// liquid renders the pre-parsed template with the same bindings and
		// returns a fresh []byte; the string conversion matches ours.
		b.Run(c.name+"/liquid", func(b *testing.B) {
			if out, err := lt.Render(bindings); err != nil || string(out) != want {
				b.Fatalf("liquid output differs: %v\n%q", err, out)
			}
			b.ReportAllocs()
			for b.Loop() {
				out, _ := lt.Render(bindings)
				_ = string(out)
			}
		})
	}
}
