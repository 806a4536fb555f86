package main_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"

	main "github.com/qiscus/msgcenter/cmd/msgcenter"
	"github.com/qiscus/msgcenter/sqlstore"
	"github.com/qiscus/msgcenter/sqlstore/sqltest"
)

// openAPIDoc fetches the served document.
func openAPIDoc(t *testing.T, a *App) []byte {
	t.Helper()
	resp, body := a.Do("GET", "/api/v1/openapi.json", "", nil)
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("/api/v1/openapi.json: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	return body
}

// TestOpenAPI checks the served OpenAPI document against the router and
// the handlers: every registered /api/v1 route is documented and every
// documented operation is registered; then a walk through every route,
// answers of each kind included, validates each request and answer against
// the document.
func TestOpenAPI(t *testing.T) {
	sqltest.Engines(t, func(t *testing.T, dbURL string) {
		a := MustRunMainWith(t, dbURL, func(c *main.Config) { c.SecretKey = bytes.Repeat([]byte{7}, 32) })
		spec := openAPIDoc(t, a)

		t.Run("EveryRouteDocumented", func(t *testing.T) {
			var doc struct {
				OpenAPI string                               `json:"openapi"`
				Paths   map[string]map[string]map[string]any `json:"paths"`
			}
			if err := json.Unmarshal(spec, &doc); err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(doc.OpenAPI, "3.1.") {
				t.Errorf("openapi %q, want 3.1.x", doc.OpenAPI)
			}
			documented := map[string]bool{}
			for path, ops := range doc.Paths {
				for method := range ops {
					if method == "parameters" {
						continue
					}
					documented[strings.ToUpper(method)+" "+path] = true
				}
			}
			for _, route := range a.Main.HTTP.Routes() {
				if !strings.Contains(route, " /api/") {
					continue
				}
				if !documented[route] {
					t.Errorf("%s is not in the OpenAPI document", route)
				}
				delete(documented, route)
			}
			for op := range documented {
				t.Errorf("the OpenAPI document has %s, which the router does not", op)
			}
		})

		t.Run("RequestsAndAnswersMatch", func(t *testing.T) {
			doc, err := libopenapi.NewDocument(spec)
			if err != nil {
				t.Fatal(err)
			}
			v, errs := validator.NewValidator(doc)
			if len(errs) > 0 {
				t.Fatalf("validator: %v", errs)
			}
			if ok, errs := v.ValidateDocument(); !ok {
				for _, e := range errs {
					t.Errorf("document: %s: %s", e.Message, e.Reason)
				}
			}
			var mu sync.Mutex
			seen := map[string]bool{}
			a.Check = func(req *http.Request, reqBody []byte, resp *http.Response, respBody []byte) {
				if !strings.HasPrefix(req.URL.Path, "/api/v1/") || req.URL.Path == "/api/v1/openapi.json" {
					return
				}
				r := req.Clone(req.Context())
				r.Body = io.NopCloser(bytes.NewReader(reqBody))
				rec := httptest.NewRecorder()
				for k, vs := range resp.Header {
					rec.Header()[k] = vs
				}
				rec.WriteHeader(resp.StatusCode)
				rec.Write(respBody)
				answer := rec.Result()
				var problems []string
				// Requests the handlers refuse are sent on purpose: only
				// the accepted ones must match the request schema.
				if resp.StatusCode < 400 {
					if ok, errs := v.ValidateHttpRequest(r); !ok {
						for _, e := range errs {
							problems = append(problems, fmt.Sprintf("request: %s: %s %v", e.Message, e.Reason, schemaErrs(e.SchemaValidationErrors)))
						}
					}
				}
				r.Body = io.NopCloser(bytes.NewReader(reqBody))
				if ok, errs := v.ValidateHttpResponse(r, answer); !ok {
					for _, e := range errs {
						problems = append(problems, fmt.Sprintf("answer %d: %s: %s %v", resp.StatusCode, e.Message, e.Reason, schemaErrs(e.SchemaValidationErrors)))
					}
				}
				for _, p := range problems {
					t.Errorf("%s %s: %s\nrequest %s\nanswer %s", req.Method, req.URL.Path, p, reqBody, respBody)
				}
				if pattern := routeOf(a, req); pattern != "" {
					mu.Lock()
					seen[fmt.Sprintf("%s %d", pattern, resp.StatusCode)] = true
					mu.Unlock()
				}
			}
			walkAPI(t, a)
			a.Check = nil
			// Every route was called at least once, with success.
			var missing []string
			for _, route := range a.Main.HTTP.Routes() {
				if !strings.Contains(route, " /api/") || route == "GET /api/v1/openapi.json" {
					continue
				}
				ok := false
				for s := range seen {
					if strings.HasPrefix(s, route+" 2") {
						ok = true
					}
				}
				if !ok {
					missing = append(missing, route)
				}
			}
			sort.Strings(missing)
			if len(missing) > 0 {
				t.Errorf("the walk never succeeded on: %s", strings.Join(missing, "; "))
			}
		})
	})
}

// schemaErrs flattens schema errors for a message.
func schemaErrs[E any](errs []E) []string {
	var out []string
	for _, e := range errs {
		b, _ := json.Marshal(e)
		out = append(out, string(b))
	}
	return out
}

// routeOf returns the router's pattern for req.
func routeOf(a *App, req *http.Request) string {
	r := httptest.NewRequest(req.Method, req.URL.RequestURI(), nil)
	return a.Main.HTTP.Pattern(r)
}

// walkAPI calls every /api/v1 route, with answers of each documented kind.
func walkAPI(t *testing.T, a *App) {
	a.tb = t
	sh := a.NewShop("Toko Kopi Senja")
	st := "/api/v1/stores/" + sh.Store
	must := func(status int, method, path string, body any) []byte {
		t.Helper()
		resp, out := a.Do(method, path, a.Token, body)
		if resp.StatusCode != status {
			t.Fatalf("%s %s: %d, want %d: %s", method, path, resp.StatusCode, status, out)
		}
		return out
	}
	id := func(b []byte) int64 {
		var v struct {
			ID int64 `json:"id"`
		}
		json.Unmarshal(b, &v)
		return v.ID
	}
	must(200, "GET", "/api/v1/placeholders?event=order_paid", nil)
	must(422, "GET", "/api/v1/placeholders", nil)
	must(200, "GET", "/api/v1/stores", nil)
	must(200, "GET", st, nil)
	must(200, "PATCH", st, map[string]any{"address": "Jl. Braga 2", "order_incomplete_delay_minutes": 45})
	must(422, "PATCH", st, map[string]any{"time_zone": "Mars/Olympus"})
	if resp, _ := a.Do("GET", st, "", nil); resp.StatusCode != 401 {
		t.Fatalf("no token: %d", resp.StatusCode)
	}
	must(404, "GET", "/api/v1/stores/999999", nil)

	mc := st + "/message-center"
	must(200, "GET", mc, nil)
	must(200, "PUT", mc+"/order_placed", map[string]any{"type": "custom", "body": "Hi {{customer.name}}, order {{order_id}} placed.", "button_label": "View"})
	must(422, "PUT", mc+"/order_placed", map[string]any{"type": "custom", "body": "Hi {{nope}}"})
	must(400, "PUT", mc+"/order_placed", "{")
	must(200, "GET", mc+"/order_placed/versions", nil)
	must(200, "POST", mc+"/order_placed/revert", map[string]any{"version": 1})
	must(200, "POST", mc+"/order_placed/revert", map[string]any{"to": "default"})
	must(200, "POST", mc+"/order_paid/preview", map[string]any{"type": "custom", "body": "Paid {{order_id}}", "button_label": "Receipt"})
	must(202, "POST", mc+"/order_placed/test", map[string]any{"room_id": sh.IGRoom})
	must(200, "POST", mc+"/share_microsite_url/custom-button/rotate", nil)
	must(200, "PUT", mc+"/share_microsite_url/custom-button", map[string]any{"label": "Kirim Katalog"})
	must(422, "PUT", mc+"/share_microsite_url/custom-button", map[string]any{"label": "two\nlines"})

	must(200, "GET", st+"/products", nil)
	p := id(must(201, "POST", st+"/products", map[string]any{"name": "Es Teh", "price": 8000, "stock": 10}))
	must(200, "PATCH", fmt.Sprintf("%s/products/%d", st, p), map[string]any{"stock": 12})
	must(422, "POST", st+"/products", map[string]any{"name": "", "price": -1})
	must(200, "GET", st+"/channels", nil)
	must(200, "PATCH", fmt.Sprintf("%s/channels/%d", st, sh.IG), map[string]any{"name": "IG Kopi"})
	must(200, "GET", st+"/rooms", nil)
	must(200, "PATCH", fmt.Sprintf("%s/rooms/%d", st, sh.IGRoom), map[string]any{"customer_name": "Budi S."})

	must(201, "POST", st+"/checkouts", map[string]any{"room_id": sh.WARoom, "items": []map[string]any{{"product_id": sh.Kopi, "quantity": 1}}})
	o := id(must(201, "POST", st+"/orders", sh.orderBody(sh.IGRoom)))
	must(409, "POST", st+"/orders", map[string]any{"room_id": sh.IGRoom, "customer_name": "Budi", "items": []map[string]any{{"product_id": p, "quantity": 13}},
		"delivery_method": "regular", "payment_method": "bank_transfer"})
	must(200, "GET", st+"/orders", nil)
	must(200, "GET", fmt.Sprintf("%s/orders/%d", st, o), nil)
	must(200, "POST", fmt.Sprintf("%s/orders/%d/pay", st, o), nil)
	sh.WaitOrderDeliveries(o, 2)
	must(200, "GET", fmt.Sprintf("%s/orders/%d/deliveries", st, o), nil)
	must(200, "POST", fmt.Sprintf("%s/orders/%d/refund", st, o), nil)
	o2 := id(must(201, "POST", st+"/orders", sh.orderBody(sh.IGRoom)))
	must(200, "POST", fmt.Sprintf("%s/orders/%d/cancel", st, o2), nil)
	o3 := id(must(201, "POST", st+"/orders", sh.orderBody(sh.IGRoom)))
	must(200, "POST", fmt.Sprintf("%s/orders/%d/pay", st, o3), nil)
	must(409, "POST", fmt.Sprintf("%s/orders/%d/cancel", st, o3), map[string]any{"refund": false})
	must(200, "POST", fmt.Sprintf("%s/orders/%d/cancel", st, o3), map[string]any{"refund": true})
	ds := must(200, "GET", st+"/deliveries?event=order_placed", nil)
	var list struct {
		Deliveries []struct {
			ID int64 `json:"id"`
		} `json:"deliveries"`
	}
	json.Unmarshal(ds, &list)
	if len(list.Deliveries) == 0 {
		t.Fatal("no deliveries")
	}
	must(200, "GET", fmt.Sprintf("%s/deliveries/%d", st, list.Deliveries[0].ID), nil)
	must(200, "GET", fmt.Sprintf("%s/whatsapp/templates?channel=%d", st, sh.WhatsApp), nil)
	must(200, "GET", st+"/whatsapp/credits", nil)

	must(404, "GET", st+"/integration/qiscus", nil)
	must(200, "PUT", st+"/integration/qiscus", map[string]any{"app_id": "kopi-app", "secret_key": "s3cret-value", "base_url": "https://multichannel.qiscus.com"})
	must(200, "GET", st+"/integration/qiscus", nil)
	must(204, "DELETE", st+"/integration/qiscus", nil)

	must(200, "GET", mc+"/share_microsite_url/custom-button/unplaced-clicks", nil)
	users := sqlstore.NewUserService(a.Main.DB)
	u, err := users.FindUserByEmail(t.Context(), "admin@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := users.CreateAPIToken(t.Context(), u.ID, "spare"); err != nil {
		t.Fatal(err)
	}
	var tokens struct {
		Tokens []struct {
			ID   int64  `json:"id"`
			Name string `json:"name"`
		} `json:"tokens"`
	}
	json.Unmarshal(must(200, "GET", "/api/v1/tokens", nil), &tokens)
	for _, tk := range tokens.Tokens {
		if tk.Name == "spare" {
			must(200, "DELETE", fmt.Sprintf("/api/v1/tokens/%d", tk.ID), nil)
		}
	}
	must(422, "PUT", "/api/v1/password", map[string]any{"current_password": "correct horse battery", "new_password": "short"})
	must(204, "PUT", "/api/v1/password", map[string]any{"current_password": "correct horse battery", "new_password": "a new horse battery"})
}
