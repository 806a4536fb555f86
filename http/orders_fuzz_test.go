package http_test

import (
	"context"
	"encoding/json"
	nethttp "net/http"
	"testing"
	"unicode/utf8"

	"github.com/qiscus/msgcenter"
	"github.com/qiscus/msgcenter/http"
)

// fuzzOrders places any order its Validate accepts, as the store does,
// and keeps the last one.
type fuzzOrders struct {
	msgcenter.OrderFlowService
	placed *msgcenter.OrderRequest
}

func (o *fuzzOrders) PlaceOrder(_ context.Context, storeID int64, req *msgcenter.OrderRequest) (*msgcenter.Order, *msgcenter.FailedCheckout, error) {
	if err := req.Validate(); err != nil {
		return nil, nil, err
	}
	o.placed = req
	return &msgcenter.Order{ID: 1, StoreID: storeID, Number: 1001}, nil, nil
}

// FuzzCheckoutBody posts arbitrary bodies to POST /api/v1/stores/{store}/orders:
// never 500; an order placed has 1 to 100 lines with quantities of 1 to 1000,
// a valid phone or none, and bounded name and address; a malformed body gets
// 400 EBADREQUEST, an invalid one 422 EINVALID with fields, and neither
// places anything.
func FuzzCheckoutBody(f *testing.F) {
	for _, s := range []string{
		`{"room_id":1,"customer_name":"Siti","customer_phone":"+6281234567890","address":"Jl. Kopi 1","items":[{"product_id":1,"quantity":2}],"delivery_method":"regular","payment_method":"bank_transfer"}`,
		`{"items":[{"product_id":1,"quantity":1000}]}`, `{"items":[{"product_id":1,"quantity":1001}]}`,
		`{"items":[{"product_id":1,"quantity":0}]}`, `{"items":[{"product_id":1,"quantity":-1}]}`,
		`{"items":[{"product_id":1,"quantity":9223372036854775807}]}`, `{"items":[{"product_id":1,"quantity":1e3}]}`,
		`{"items":[{"product_id":1,"quantity":"2"}]}`, `{"items":[]}`, `{"items":null}`, `{}`, `[]`, `null`, ``,
		`{"items":[{"product_id":1,"quantity":1}],"customer_phone":"0812"}`, `{"items":[{"quantity":1}],"customer_phone":"+"}`,
		`{"items":[{"product_id":1,"quantity":1}]}]`, `{"items":[{"product_id":1,"quantity":1}]} {}`,
		`{"items":[{"product_id":1,"quantity":1}],"room_id":null,"checkout_id":-1}`, "{\"customer_name\":\"\xff\",\"items\":[{\"product_id\":1,\"quantity\":1}]}",
	} {
		f.Add([]byte(s))
	}
	orders := &fuzzOrders{}
	srv, err := http.NewServer(http.Config{Users: integrationUsers{}, Stores: integrationStores{}, Orders: orders})
	if err != nil {
		f.Fatal(err)
	}
	h := srv.Handler()
	auth := map[string]string{"Authorization": "Bearer tok-owner"}
	f.Fuzz(func(t *testing.T, body []byte) {
		orders.placed = nil
		w := serve(h, "/api/v1/stores/5/orders", body, auth)
		switch w.Code {
		case nethttp.StatusCreated:
			req := orders.placed
			if req == nil {
				t.Fatal("201 without an order placed")
			}
			if !json.Valid(body) {
				t.Fatalf("placed an order from a body that is not JSON: %q", body)
			}
			if n := len(req.Items); n < 1 || n > 100 {
				t.Fatalf("placed an order of %d lines", n)
			}
			for _, it := range req.Items {
				if it.Quantity < 1 || it.Quantity > 1000 {
					t.Fatalf("placed a line of quantity %d", it.Quantity)
				}
			}
			if req.CustomerPhone != "" && !msgcenter.ValidPhone(req.CustomerPhone) {
				t.Fatalf("placed an order with phone %q", req.CustomerPhone)
			}
			if !plainText(req.CustomerName) || !plainText(req.Address) || !plainText(req.CustomerPhone) {
				t.Fatalf("placed an order with text that is not plain: %+v", req)
			}
			if _, ok := msgcenter.FindDeliveryMethod(req.DeliveryMethod); !ok || !msgcenter.ValidPaymentMethod(req.PaymentMethod) {
				t.Fatalf("placed an order with methods %q and %q", req.DeliveryMethod, req.PaymentMethod)
			}
			if utf8.RuneCountInString(req.CustomerName) > 100 || utf8.RuneCountInString(req.Address) > 500 {
				t.Fatalf("placed an order with a name of %d and an address of %d characters",
					utf8.RuneCountInString(req.CustomerName), utf8.RuneCountInString(req.Address))
			}
		case nethttp.StatusBadRequest, nethttp.StatusUnprocessableEntity, nethttp.StatusRequestEntityTooLarge:
			checkRefusal(t, body, w.Code, w.Body.Bytes())
			if orders.placed != nil {
				t.Fatalf("refused %q after placing it", body)
			}
		default:
			t.Fatalf("POST %q = %d %s", body, w.Code, w.Body)
		}
	})
}
