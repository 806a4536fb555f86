package qiscus_test

import (
	"errors"
	"os"
	"testing"

	"github.com/qiscus/msgcenter"
	"github.com/qiscus/msgcenter/provider/qiscus"
)

// FuzzParseStatusWebhook feeds the WhatsApp status webhook's parser
// arbitrary bodies, seeded with the recorded sample: it never panics, a body
// it refuses is EINVALID naming a field, and every receipt it accepts names
// its message and carries a status msgcenter tracks, a failure with its
// reason.
func FuzzParseStatusWebhook(f *testing.F) {
	sample, err := os.ReadFile("testdata/status_webhook.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(sample)
	f.Add([]byte(`{"statuses":[{"id":"wamid.1","status":"failed","timestamp":"1700000000","errors":[{"code":131047,"title":"Re-engagement message"}]}]}`))
	f.Add([]byte(`{"entry":[{"changes":[{"value":{"statuses":[{"id":"wamid.2","status":"read","timestamp":1700000000}]}}]}]}`))
	f.Add([]byte(`{"statuses":[{"id":"","status":"sent"}]}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, body []byte) {
		receipts, err := qiscus.ParseStatusWebhook(body)
		if err != nil {
			var e *msgcenter.Error
			if !errors.As(err, &e) || e.Code != msgcenter.EINVALID || len(e.Fields) == 0 {
				t.Fatalf("refusal %v: want EINVALID naming a field", err)
			}
			return
		}
		for _, r := range receipts {
			if r.ProviderMessageID == "" {
				t.Fatalf("receipt without a message id: %+v", r)
			}
			switch r.Status {
			case msgcenter.ReceiptSent, msgcenter.ReceiptDelivered, msgcenter.ReceiptRead:
			case msgcenter.ReceiptFailed:
				if r.Reason == "" {
					t.Fatalf("failure without a reason: %+v", r)
				}
			default:
				t.Fatalf("receipt with an untracked status: %+v", r)
			}
		}
	})
}
