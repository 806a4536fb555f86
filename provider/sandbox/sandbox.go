// Package sandbox is the simulated omnichannel, msgcenter's embedded default:
// a local Qiscus. It serves the Qiscus Omnichannel API the qiscus adapter
// calls (API) and posts the webhooks a real app posts (CustomerWrites,
// MarkStatus, ClickInPlatformRoom), in the documented shapes, so msgcenter
// reaches it exactly as it reaches a real app: through the adapter, over
// HTTP. The shapes it serves and posts are the ones the qiscus package's
// doc lists with their sources ([QG], [N8N], [QD], [HSM], [META]); the
// contract cases of qiscus/qiscustest run against this API and against the
// recorded answers in qiscus/testdata alike, so the two cannot drift; the
// webhooks it posts are read by msgcenter's own handlers in the end-to-end
// tests.
// Its apps, channels, rooms (with the customer's last message time),
// template catalogue, credits, every message it carries and the faults it
// injects into its next sends are its own tables, so every process sharing
// the database sees the same platform; it never writes msgcenter's.
//
// It behaves like a real platform: a room must be the app's, a WhatsApp room
// whose customer has not written for 24 hours refuses session messages (its
// own last customer message time decides), template messages are always
// allowed and cost a credit, and it can be made slow, failing, or to lose
// its answers. Its pages (Handler) are an inbox where a person writes as the
// customer, ages a room, clicks custom buttons, reports a message's status,
// injects faults and manages templates and credits.
//
// The SQL is the same on SQLite and PostgreSQL ($n placeholders, RETURNING).
package sandbox

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/qiscus/msgcenter"
)

// Provider is the local Qiscus over msgcenter's database (its own tables).
type Provider struct {
	db *sql.DB

	// Now returns the current time; tests replace it to move the clock. It
	// must be set before the Provider is shared between goroutines.
	Now func() time.Time

	latency atomic.Int64 // time.Duration added before every send

	// self and hookClient are where and how webhooks are posted (SetSelf).
	self       func() string
	hookClient *http.Client

	apps    sync.Map // app id → *App, as issued (see authApp)
	connect func(ctx context.Context, storeID int64) error
}

// New returns a sandbox provider on db, the database msgcenter's store opened
// (its migrations create the sandbox tables). A nil now means time.Now.
func New(db *sql.DB, now func() time.Time) *Provider {
	if now == nil {
		now = time.Now
	}
	return &Provider{db: db, Now: now}
}

// SetLatency makes every later send wait d before it does anything, as a
// remote platform would; the wait ends early when the send's context does.
func (p *Provider) SetLatency(d time.Duration) { p.latency.Store(int64(max(d, 0))) }

// now returns the clock's time in UTC at the microsecond precision both
// engines keep.
func (p *Provider) now() time.Time { return p.Now().UTC().Truncate(time.Microsecond) }

// timeoutWait bounds how long a "timeout" fault holds a send whose context
// has no deadline.
const timeoutWait = 30 * time.Second

// wait sleeps the configured latency, or until ctx is done.
func (p *Provider) wait(ctx context.Context) error {
	d := time.Duration(p.latency.Load())
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// FaultMode is how an injected fault makes a send fail.
type FaultMode string

// The fault modes.
const (
	// FaultTransient fails the send with a transient error; nothing is delivered.
	FaultTransient FaultMode = "transient"
	// FaultPermanent fails the send with a permanent error, reason undeliverable.
	FaultPermanent FaultMode = "permanent"
	// FaultTimeout holds the send until its context is done (at most 30 s)
	// and fails it with a transient error; nothing is delivered.
	FaultTimeout FaultMode = "timeout"
	// FaultAnswerLost delivers the message but fails the send with a
	// transient error, as if the platform's answer had been lost.
	FaultAnswerLost FaultMode = "answer_lost"
	// FaultSessionExpired fails the send as if the WhatsApp window were closed.
	FaultSessionExpired FaultMode = "session_expired"
)

// FaultModes returns every fault mode.
func FaultModes() []FaultMode {
	return []FaultMode{FaultTransient, FaultPermanent, FaultTimeout, FaultAnswerLost, FaultSessionExpired}
}

// Valid reports whether m is a known fault mode.
func (m FaultMode) Valid() bool {
	for _, v := range FaultModes() {
		if v == m {
			return true
		}
	}
	return false
}

// maxFaults bounds one injection.
const maxFaults = 100000

// InjectFaults makes the store's next n sends, by any process on this
// database, fail in mode; other stores' sends are untouched. Faults injected
// earlier are consumed first. Returns EINVALID for an unknown mode or an n
// outside 1..100000.
func (p *Provider) InjectFaults(ctx context.Context, storeID int64, mode FaultMode, n int) error {
	fields := map[string]string{}
	if !mode.Valid() {
		fields["mode"] = "must be one of transient, permanent, timeout, answer_lost, session_expired"
	}
	if n < 1 || n > maxFaults {
		fields["n"] = fmt.Sprintf("must be between 1 and %d", maxFaults)
	}
	if storeID <= 0 {
		fields["store_id"] = "is required"
	}
	if len(fields) > 0 {
		return msgcenter.Invalid("The faults are not valid.", fields)
	}
	// Spent faults are of no further use; dropping them keeps the pending
	// check on the send path a scan of a few rows.
	if _, err := p.db.ExecContext(ctx, `DELETE FROM sandbox_faults WHERE store_id = $1 AND remaining <= 0`, storeID); err != nil {
		return fmt.Errorf("sandbox: delete spent faults: %w", err)
	}
	if _, err := p.db.ExecContext(ctx, `INSERT INTO sandbox_faults (store_id, mode, remaining, created_at) VALUES ($1, $2, $3, $4)`,
		storeID, string(mode), n, p.now()); err != nil {
		return fmt.Errorf("sandbox: inject faults: %w", err)
	}
	return nil
}

// ClearFaults drops every pending fault of the store.
func (p *Provider) ClearFaults(ctx context.Context, storeID int64) error {
	if _, err := p.db.ExecContext(ctx, `DELETE FROM sandbox_faults WHERE store_id = $1`, storeID); err != nil {
		return fmt.Errorf("sandbox: clear faults: %w", err)
	}
	return nil
}

// PendingFaults returns how many of the store's faults of each mode are
// still to be consumed; modes with none are absent.
func (p *Provider) PendingFaults(ctx context.Context, storeID int64) (map[FaultMode]int, error) {
	rows, err := p.db.QueryContext(ctx, `SELECT mode, SUM(remaining) FROM sandbox_faults WHERE store_id = $1 AND remaining > 0 GROUP BY mode`, storeID)
	if err != nil {
		return nil, fmt.Errorf("sandbox: pending faults: %w", err)
	}
	defer rows.Close()
	pending := map[FaultMode]int{}
	for rows.Next() {
		var mode string
		var n int
		if err := rows.Scan(&mode, &n); err != nil {
			return nil, fmt.Errorf("sandbox: pending faults: %w", err)
		}
		pending[FaultMode(mode)] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sandbox: pending faults: %w", err)
	}
	return pending, nil
}

// takeFault consumes one pending fault of the store and returns its mode,
// or "" when none is left. Each fault is consumed by exactly one send: the
// decrement and its guard are one statement. On PostgreSQL a statement that
// lost the race for the oldest row (drained while it waited for the row
// lock) updates nothing although a younger row may have faults; it then
// looks again, so the next n sends really are the ones that fail.
func (p *Provider) takeFault(ctx context.Context, storeID int64) (FaultMode, error) {
	for range 100 {
		var mode string
		err := p.db.QueryRowContext(ctx, `
			UPDATE sandbox_faults SET remaining = remaining - 1
			WHERE id = (SELECT id FROM sandbox_faults WHERE store_id = $1 AND remaining > 0 ORDER BY id LIMIT 1)
				AND remaining > 0
			RETURNING mode`, storeID).Scan(&mode)
		if err == nil {
			return FaultMode(mode), nil
		} else if !errors.Is(err, sql.ErrNoRows) {
			return "", err
		}
		var pending bool
		if err := p.db.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM sandbox_faults WHERE store_id = $1 AND remaining > 0)`, storeID).Scan(&pending); err != nil {
			return "", err
		}
		if !pending {
			return "", nil
		}
	}
	return "", nil
}
