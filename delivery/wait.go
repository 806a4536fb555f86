package delivery

import (
	"context"
	"math/rand/v2"
	"time"

	"github.com/riverqueue/river"

	"github.com/qiscus/msgcenter"
)

// waits reports whether a provider error makes the message wait rather than
// try again or fail: the platform out of reach (ProviderUnavailable) or the
// store's key rejected (ProviderUnauthorized).
func waits(pe *msgcenter.ProviderError) bool {
	return pe.Kind == msgcenter.ProviderUnavailable || pe.Kind == msgcenter.ProviderUnauthorized
}

// wait keeps a message queued after an outage or a rejected key, with the
// waiting reason for the admin to see and no attempt recorded, so none of
// its tries is used; its job is snoozed (River does not count a snooze as a
// run). Once the message has waited Config.MaxWait since it was created, it
// fails with that reason instead.
func (s *Service) wait(ctx context.Context, work *msgcenter.DeliveryWork, res msgcenter.DeliveryResult, pe *msgcenter.ProviderError) error {
	now := s.cfg.Now()
	deadline := work.Delivery.CreatedAt.Add(s.cfg.MaxWait)
	res.Reason = pe.Reason
	if !res.Reason.Valid() {
		res.Reason = msgcenter.ReasonProviderUnavailable
	}
	if !now.Before(deadline) {
		res.Status = msgcenter.StatusFailed
		res.Attempt = &msgcenter.Attempt{At: now, Outcome: "failed", Error: pe.Message}
		return s.record(ctx, work, res)
	}
	res.Status, res.Attempt = msgcenter.StatusQueued, nil
	if err := s.record(ctx, work, res); err != nil {
		return err
	}
	s.cfg.Metrics.waited(res.Reason)
	return river.JobSnooze(min(s.waitFor(pe, now.Sub(work.Delivery.CreatedAt)), deadline.Sub(now)))
}

// waitFor is how long a message waits before it looks again: a rejected key
// is checked every ParkRecheck; an outage waits what the platform asked
// (Retry-After, an open breaker's remaining time) or, when it did not say,
// half the message's age so far, between RetryBase and RetryMax, with
// jitter so that the messages of one outage do not all return together.
func (s *Service) waitFor(pe *msgcenter.ProviderError, age time.Duration) time.Duration {
	if pe.Kind == msgcenter.ProviderUnauthorized {
		return s.cfg.ParkRecheck
	}
	d := pe.RetryAfter
	if d <= 0 {
		d = min(max(age/2, s.cfg.RetryBase), s.cfg.RetryMax)
	}
	return d + time.Duration(rand.Int64N(int64(d/4)+1))
}
