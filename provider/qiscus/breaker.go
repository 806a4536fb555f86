package qiscus

import (
	"fmt"
	"sync"
	"time"
)

// breaker is a circuit breaker on the clock the client is given. Closed, it
// lets every request through and counts consecutive transient failures; at
// threshold it opens for cooldown, failing every request at once; then it is
// half-open and lets one probe through, whose success closes it and whose
// failure opens it again.
type breaker struct {
	threshold int
	cooldown  time.Duration

	mu        sync.Mutex
	failures  int
	open      bool
	openUntil time.Time
	probing   bool // half-open, and the probe is in flight
}

// errBreakerOpen is the reason a request was refused.
type errBreakerOpen struct {
	until   time.Time
	probing bool
}

func (e *errBreakerOpen) Error() string {
	if e.probing {
		return "circuit breaker is open: a probe request is in flight after the platform failed repeatedly"
	}
	return fmt.Sprintf("circuit breaker is open after repeated failures of the platform, until %s",
		e.until.UTC().Format(time.RFC3339))
}

// allow asks to send a request at now. It returns either an error saying
// the breaker is open, or done, which the caller must call once with the
// request's outcome: failure is true for a failure of the platform; a zero
// at means no verdict (the caller gave up), which only frees the probe slot.
func (b *breaker) allow(now time.Time) (done func(at time.Time, failure bool), err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	probe := false
	if b.open {
		if now.Before(b.openUntil) {
			return nil, &errBreakerOpen{until: b.openUntil}
		}
		if b.probing {
			return nil, &errBreakerOpen{until: b.openUntil, probing: true}
		}
		b.probing, probe = true, true
	}
	return func(at time.Time, failure bool) { b.record(at, failure, probe) }, nil
}

func (b *breaker) record(at time.Time, failure, probe bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if probe {
		b.probing = false
	}
	switch {
	case at.IsZero():
		return
	case !failure:
		if probe || !b.open {
			b.failures, b.open = 0, false
		}
	case probe || !b.open:
		b.failures++
		if probe || b.failures >= b.threshold {
			b.open, b.openUntil = true, at.Add(b.cooldown)
		}
	}
}
