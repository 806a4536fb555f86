package http

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/qiscus/msgcenter"
)

func TestDecodeBody(t *testing.T) {
	type line struct {
		ProductID int64 `json:"product_id"`
		Quantity  int   `json:"quantity"`
	}
	type embedded struct {
		Name *string `json:"name"`
	}
	type request struct {
		embedded
		Items  []line            `json:"items"`
		Note   string            `json:"note"`
		At     *time.Time        `json:"at"`
		Labels map[string]string `json:"labels"`
		Hidden string            `json:"-"`
	}
	for _, tc := range []struct {
		name, body string
		code       string
		fields     map[string]string
	}{
		{"OK", `{"name":"Siti","items":[{"product_id":1,"quantity":2}],"note":"line 1\nline 2\ttab","at":"2026-03-14T09:00:00Z"}`, "", nil},
		{"UnknownTop", `{"name":"x","automation_enabeld":true}`, msgcenter.EINVALID, map[string]string{"automation_enabeld": msgUnknownField}},
		{"UnknownNested", `{"items":[{"product_id":1,"quantity":2},{"product_id":1,"qty":2}]}`, msgcenter.EINVALID, map[string]string{"items[1].qty": msgUnknownField}},
		{"CaseVariantIsUnknown", `{"Name":"x"}`, msgcenter.EINVALID, map[string]string{"Name": msgUnknownField}},
		{"HiddenIsUnknown", `{"Hidden":"x"}`, msgcenter.EINVALID, map[string]string{"Hidden": msgUnknownField}},
		{"InvalidUTF8", "{\"name\":\"\xff\xfe\"}", msgcenter.EINVALID, map[string]string{"name": msgBadText}},
		{"LoneSurrogate", `{"name":"\ud800"}`, msgcenter.EINVALID, map[string]string{"name": msgBadText}},
		{"NUL", `{"note":"a\u0000b"}`, msgcenter.EINVALID, map[string]string{"note": msgBadText}},
		{"Escape", `{"items":[],"name":"\u001b[31m"}`, msgcenter.EINVALID, map[string]string{"name": msgBadText}},
		{"C1", `{"name":"a\u0085"}`, msgcenter.EINVALID, map[string]string{"name": msgBadText}},
		{"MapValue", `{"labels":{"a":"\u0007"}}`, msgcenter.EINVALID, map[string]string{"labels.a": msgBadText}},
		{"BadTime", `{"at":"yesterday"}`, msgcenter.EINVALID, map[string]string{"at": "must be a time such as 2026-03-14T09:00:00Z"}},
		{"WrongTypeInWords", `{"items":[{"product_id":"1","quantity":2}]}`, msgcenter.EINVALID, map[string]string{"items.product_id": "must be a whole number"}},
		{"FloatForInt", `{"items":[{"product_id":1,"quantity":1.5}]}`, msgcenter.EINVALID, map[string]string{"items.quantity": "must be a whole number"}},
		{"ObjectForList", `{"items":{}}`, msgcenter.EINVALID, map[string]string{"items": "must be a list"}},
		{"ListForObject", `[]`, msgcenter.EINVALID, map[string]string{"body": "must be an object"}},
		{"Empty", ``, ebadrequest, nil},
		{"Malformed", `{"name":`, ebadrequest, nil},
		{"Trailing", `{} {}`, ebadrequest, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var v request
			err := decodeBody(strings.NewReader(tc.body), &v, true)
			if msgcenter.ErrorCode(err) != tc.code && !(tc.code == "" && err == nil) {
				t.Fatalf("err = %v, want code %q", err, tc.code)
			}
			if tc.fields != nil && !reflect.DeepEqual(msgcenter.ErrorFields(err), tc.fields) {
				t.Fatalf("fields = %v, want %v", msgcenter.ErrorFields(err), tc.fields)
			}
			if err != nil {
				if msg := msgcenter.ErrorMessage(err); strings.Contains(msg, "msgcenter.") || strings.Contains(msg, "int64") || strings.Contains(msg, "json:") {
					t.Fatalf("message %q speaks Go", msg)
				}
				for _, f := range msgcenter.ErrorFields(err) {
					if strings.Contains(f, "int") || strings.Contains(f, "struct") || strings.Contains(f, "msgcenter.") {
						t.Fatalf("field error %q speaks Go", f)
					}
				}
				if !reflect.DeepEqual(v, request{}) {
					t.Fatalf("a refused body was decoded: %+v", v)
				}
			}
		})
	}

	t.Run("PayloadAllowsUnknown", func(t *testing.T) {
		var v request
		if err := decodeBody(strings.NewReader(`{"name":"x","extra":{"deep":[1,"\u0000"]}}`), &v, false); err != nil {
			t.Fatal(err)
		}
		err := decodeBody(strings.NewReader(`{"name":"\u0000"}`), &v, false)
		if msgcenter.ErrorCode(err) != ebadrequest || msgcenter.ErrorFields(err)["name"] != msgBadText {
			t.Fatalf("a payload's bad text: %v", err)
		}
	})
}

// TestParseButtonClick_SameClick checks that payloads meaning the same click
// (an id as a number or a string, an e-mail in another case, other
// formatting) identify one click, and that others do not.
func TestParseButtonClick_SameClick(t *testing.T) {
	first, err := parseButtonClick([]byte(`{"room_id": 4, "agent": {"email": "Sari@Toko.example", "id": 12}, "additional_info": [{"key": "tier", "value": 2}]}`))
	if err != nil {
		t.Fatal(err)
	}
	for _, same := range []string{
		`{"room_id":"4","agent":{"email":"sari@toko.example","id":"12"},"additional_info":[{"key":"tier","value":"2"}]}`,
		`{"additional_info": [{"value": 2, "key": "tier"}], "agent": {"id": 12, "email": " SARI@TOKO.EXAMPLE "}, "room_id": 4}`,
	} {
		c, err := parseButtonClick([]byte(same))
		if err != nil || string(c.Payload) != string(first.Payload) {
			t.Fatalf("%s → %s, %v; want the same click as %s", same, c.Payload, err, first.Payload)
		}
	}
	other, err := parseButtonClick([]byte(`{"room_id": 4, "agent": {"email": "sari@toko.example", "id": 13}, "additional_info": [{"key": "tier", "value": 2}]}`))
	if err != nil || string(other.Payload) == string(first.Payload) {
		t.Fatalf("another agent's click is the same click: %s", other.Payload)
	}
	if _, err := parseButtonClick([]byte(`{"room_id": {"x": 1}}`)); err == nil || strings.Contains(msgcenter.ErrorFields(err)["room_id"], "flexString") {
		t.Fatalf("a room id of the wrong type: %v (%v)", err, msgcenter.ErrorFields(err))
	}
}
