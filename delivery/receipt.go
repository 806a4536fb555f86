package delivery

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/qiscus/msgcenter"
)

// ApplyReceipts records the statuses the platform reported for the store's
// messages (see msgcenter.DeliveryWorkStore.ApplyDeliveryReceipt) and
// returns how many changed a message. A receipt for no message of the store
// is skipped. An automation message that failed as session_expired after
// the platform had accepted it (WhatsApp 131047 reported by the status
// webhook) raises its WhatsApp fallback exactly as a synchronous refusal
// does; raising is idempotent, so a repeated webhook raises it once.
func (s *Service) ApplyReceipts(ctx context.Context, storeID int64, receipts []msgcenter.DeliveryReceipt) (int, error) {
	changed := 0
	for _, r := range receipts {
		out, err := s.cfg.Store.ApplyDeliveryReceipt(ctx, storeID, r)
		if msgcenter.ErrorCode(err) == msgcenter.ENOTFOUND {
			s.cfg.Logger.Debug("receipt for an unknown message", slog.Int64("store", storeID), slog.String("status", string(r.Status)))
			continue
		} else if err != nil {
			return changed, err
		}
		if out.Changed {
			changed++
		}
		d := out.Delivery
		if d.Status != msgcenter.StatusFailed || d.Reason != msgcenter.ReasonSessionExpired || d.Kind != msgcenter.KindAutomation ||
			!d.Event.HasFallback() || d.SubjectType == msgcenter.SubjectTest {
			continue
		}
		work, err := s.cfg.Store.LoadDeliveryWork(ctx, d.ID)
		if err != nil {
			return changed, fmt.Errorf("load delivery %d: %w", d.ID, err)
		}
		if fb := work.Config.Fallback; fb != nil && fb.Enabled && work.Config.AutomationEnabled &&
			work.Room != nil && work.Room.ChannelType == msgcenter.ChannelWhatsApp {
			if err := s.cfg.Store.RaiseFallback(ctx, d); err != nil {
				return changed, fmt.Errorf("raise fallback of delivery %d: %w", d.ID, err)
			}
		}
	}
	return changed, nil
}
