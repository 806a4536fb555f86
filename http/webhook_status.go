package http

import (
	"context"
	"io"
	"net/http"

	"github.com/qiscus/msgcenter"
)

// ReceiptApplier records the delivery statuses the platform reports for a
// store's messages; delivery.Service implements it.
type ReceiptApplier interface {
	// ApplyReceipts returns how many receipts changed a message.
	ApplyReceipts(ctx context.Context, storeID int64, receipts []msgcenter.DeliveryReceipt) (int, error)
}

// statusWebhookRoutes registers the WhatsApp status webhook, when the
// server has what it takes.
func (s *Server) statusWebhookRoutes() {
	if s.Receipts == nil || s.ParseStatuses == nil {
		return
	}
	s.handle("POST /hooks/qiscus/{store}/whatsapp-status/{secret}", s.handleStatusWebhook)
}

// statusWebhookURL is where the platform posts the store's WhatsApp
// delivery statuses; "" when the server takes none.
func (s *Server) statusWebhookURL(in *msgcenter.Integration) string {
	if s.Receipts == nil || s.ParseStatuses == nil {
		return ""
	}
	return s.publicLink(msgcenter.StatusWebhookPath(in.StoreID, in.InboundSecret))
}

// handleStatusWebhook answers POST /hooks/qiscus/{store}/whatsapp-status/{secret}:
// the platform reports that messages it accepted were sent, delivered, read
// or failed. It is authenticated like the inbound webhook, by the store's
// connection secret; an unknown store and a wrong secret get the same 404.
// Statuses of messages msgcenter did not send are ignored.
func (s *Server) handleStatusWebhook(w http.ResponseWriter, r *http.Request) {
	storeID, ok := s.qiscusHook(w, r, "status")
	if !ok {
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	receipts, err := s.ParseStatuses(body)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	changed, err := s.Receipts.ApplyReceipts(r.Context(), storeID, receipts)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"statuses": len(receipts), "changed": changed})
}
