package qiscus

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/qiscus/msgcenter"
)

// statusWebhook is the WhatsApp status webhook as the Cloud API sends it
// [META]: statuses under entry[].changes[].value, or (the on-premises API's
// and a forwarding platform's shape) at the top.
type statusWebhook struct {
	Statuses []waStatus `json:"statuses"`
	Entry    []struct {
		Changes []struct {
			Value struct {
				Statuses []waStatus `json:"statuses"`
			} `json:"value"`
		} `json:"changes"`
	} `json:"entry"`
}

type waStatus struct {
	ID          string     `json:"id"`
	Status      string     `json:"status"`
	Timestamp   flexString `json:"timestamp"`
	RecipientID string     `json:"recipient_id"`
	Errors      []struct {
		Code      flexString `json:"code"`
		Title     string     `json:"title"`
		Message   string     `json:"message"`
		ErrorData struct {
			Details string `json:"details"`
		} `json:"error_data"`
	} `json:"errors"`
}

// ParseStatusWebhook reads the platform's WhatsApp status webhook: one
// receipt per status (sent, delivered, read, failed), with a failure's
// WhatsApp code mapped to its reason as a send's error would be (131047 is
// session_expired). Statuses msgcenter does not track (deleted, warning)
// are left out. A body that is not such a webhook is EINVALID naming what
// is wrong.
func ParseStatusWebhook(body []byte) ([]msgcenter.DeliveryReceipt, error) {
	var in statusWebhook
	if err := json.Unmarshal(body, &in); err != nil {
		return nil, msgcenter.Invalid("The status webhook is not valid JSON.", map[string]string{"body": err.Error()})
	}
	all := in.Statuses
	for _, e := range in.Entry {
		for _, c := range e.Changes {
			all = append(all, c.Value.Statuses...)
		}
	}
	var out []msgcenter.DeliveryReceipt
	for i, st := range all {
		field := "statuses." + strconv.Itoa(i)
		r := msgcenter.DeliveryReceipt{ProviderMessageID: strings.TrimSpace(st.ID), Status: msgcenter.ReceiptStatus(strings.ToLower(st.Status))}
		if r.ProviderMessageID == "" {
			return nil, msgcenter.Invalid("The status webhook is not valid.", map[string]string{field + ".id": "is required"})
		}
		switch r.Status {
		case msgcenter.ReceiptSent, msgcenter.ReceiptDelivered, msgcenter.ReceiptRead, msgcenter.ReceiptFailed:
		default:
			continue
		}
		if ts := string(st.Timestamp); ts != "" {
			sec, err := strconv.ParseInt(ts, 10, 64)
			if err != nil {
				return nil, msgcenter.Invalid("The status webhook is not valid.", map[string]string{field + ".timestamp": "must be Unix seconds"})
			}
			r.At = time.Unix(sec, 0).UTC()
		}
		if r.Status == msgcenter.ReceiptFailed {
			r.Reason = msgcenter.ReasonUndeliverable
			if len(st.Errors) > 0 {
				e := st.Errors[0]
				code, _ := strconv.Atoi(string(e.Code))
				if o, ok := codeOutcomes()[code]; ok && (o.kind == msgcenter.ProviderPermanent || o.kind == msgcenter.ProviderSessionExpired) {
					r.Reason = o.reason
				}
				text := cmpOr(e.Title, e.Message)
				if e.ErrorData.Details != "" {
					text += ": " + e.ErrorData.Details
				}
				r.Error = truncate(fmt.Sprintf("code %d: %s", code, text), 300)
			}
		}
		out = append(out, r)
	}
	return out, nil
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
