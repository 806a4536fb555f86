package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/qiscus/msgcenter"
	"github.com/qiscus/msgcenter/internal/batch"
)

var (
	_ msgcenter.DeliveryService   = (*DeliveryService)(nil)
	_ msgcenter.DeliveryWorkStore = (*DeliveryService)(nil)
)

// Limits of FindDeliveries and FindQueuedDeliveryIDs.
const (
	defaultDeliveryLimit = 100
	maxDeliveryLimit     = 500
)

// DeliveryService reads a store's messages, and is what the delivery worker
// loads its work from and records its results in.
type DeliveryService struct {
	db *DB
	// loads and records run the reads and the records of concurrent
	// workers together, as few statements and transactions of many
	// messages: each runs once per send.
	loads   *batch.Batcher[int64, *loadedWork]
	records *batch.Batcher[recordItem, recordOutcome]
}

// batchTimeout bounds one run of the workers' batched statements: shorter
// than a worker's own deadline for its record (10 s), so a run that hangs
// fails its items before their workers give up on them, yet long enough
// for a run that waits behind SQLite's other writers under load: a record
// that fails repeats its message's send.
const batchTimeout = 8 * time.Second

// NewDeliveryService returns a DeliveryService on db.
func NewDeliveryService(db *DB) *DeliveryService {
	s := &DeliveryService{db: db}
	s.loads = &batch.Batcher[int64, *loadedWork]{Run: s.loadWork, Max: 64, Concurrency: 2, Timeout: batchTimeout}
	// Two records of one message (a duplicate job) never share a run: the
	// second's guard must see the first's update.
	s.records = &batch.Batcher[recordItem, recordOutcome]{Run: s.recordMany, Max: 64, Concurrency: 2, Timeout: batchTimeout,
		Key: func(it recordItem) any { return it.id }}
	return s
}

// FindDeliveries lists the store's messages matching f, newest first, each
// with its attempts. The limit defaults to 100 and is at most 500.
func (s *DeliveryService) FindDeliveries(ctx context.Context, storeID int64, f msgcenter.DeliveryFilter) ([]*msgcenter.Delivery, error) {
	where, args := []string{"store_id = $1"}, []any{storeID}
	if f.OrderID != nil {
		args = append(args, *f.OrderID)
		where = append(where, fmt.Sprintf("order_id = $%d", len(args)))
	}
	if f.NoOrder {
		where = append(where, "order_id IS NULL")
	}
	if f.Event != nil {
		args = append(args, string(*f.Event))
		where = append(where, fmt.Sprintf("event = $%d", len(args)))
	}
	if f.RoomID != nil {
		args = append(args, *f.RoomID)
		where = append(where, fmt.Sprintf("room_id = $%d", len(args)))
	}
	limit := f.Limit
	if limit <= 0 {
		limit = defaultDeliveryLimit
	} else if limit > maxDeliveryLimit {
		limit = maxDeliveryLimit
	}
	args = append(args, limit)
	return findDeliveries(ctx, s.db.q, fmt.Sprintf(`WHERE %s ORDER BY id DESC LIMIT $%d`, strings.Join(where, " AND "), len(args)), args...)
}

// FindDelivery returns one message of the store with its attempts,
// ENOTFOUND for another store's.
func (s *DeliveryService) FindDelivery(ctx context.Context, storeID, id int64) (*msgcenter.Delivery, error) {
	return findDelivery(ctx, s.db.q, `WHERE store_id = $1 AND id = $2`, storeID, id)
}

// LoadDeliveryWork reads what a worker needs to send a message: the
// delivery (without its attempts: Tries counts them), its store, the
// store's configuration of the event as it is now, the room when there is
// one (and, for a fallback, the room's channel), and the subject. Returns
// ENOTFOUND for an unknown delivery.
func (s *DeliveryService) LoadDeliveryWork(ctx context.Context, deliveryID int64) (*msgcenter.DeliveryWork, error) {
	lw, err := s.loads.Do(ctx, deliveryID)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: load delivery %d: %w", deliveryID, err)
	}
	if lw == nil {
		return nil, msgcenter.Errorf(msgcenter.ENOTFOUND, "Delivery not found.")
	}
	return s.finishWork(ctx, lw)
}

// loadedWork is what the statement of loadWork read of one message.
type loadedWork struct {
	dr    deliveryRow
	sr    storeRow
	cr    messageConfigRow
	rr    nullRoomRow
	or    nullOrderRow
	w     msgcenter.DeliveryWork // Tries
	items []msgcenter.OrderItem
}

// loadWork reads, in one statement, each message of ids with how many
// tries it has had, its store, the event's configuration, the room and, for an order, the order with one
// row per item. It answers in the order of ids, nil for a message that
// does not exist. Two reads of one message may share a run: finishWork
// builds each caller's work afresh from what was read.
func (s *DeliveryService) loadWork(ctx context.Context, ids []int64) ([]*loadedWork, error) {
	var (
		dr   deliveryRow
		sr   storeRow
		cr   messageConfigRow
		rr   nullRoomRow
		or   nullOrderRow
		w    msgcenter.DeliveryWork
		item struct {
			productID, quantity, unitPrice sql.NullInt64
			name                           sql.NullString
		}
	)
	dest := append(append(append(append(append(dr.dest(), &w.Tries), sr.dest()...), cr.dest()...), rr.dest()...),
		or.dest()...)
	dest = append(dest, &item.productID, &item.name, &item.quantity, &item.unitPrice)
	args := []any{string(msgcenter.SubjectOrder)}
	for _, id := range ids {
		args = append(args, id)
	}
	rows, err := s.db.q.QueryContext(ctx, `
		SELECT `+qualify(deliveryColumns, "d")+`, d.tries,
			`+qualify(storeColumns, "s")+`, `+qualify(messageConfigColumns, "mc")+`, `+roomColumns+`,
			`+qualify(orderColumns, "o")+`, i.product_id, i.name, i.quantity, i.unit_price
		FROM deliveries d
		JOIN stores s ON s.id = d.store_id
		JOIN message_configs mc ON mc.store_id = d.store_id AND mc.event = d.event
		LEFT JOIN rooms r ON r.store_id = d.store_id AND r.id = d.room_id
		LEFT JOIN channels c ON c.id = r.channel_id
		LEFT JOIN orders o ON d.subject_type = $1 AND o.store_id = d.store_id AND o.id = d.subject_id
		LEFT JOIN order_items i ON i.order_id = o.id
		WHERE d.id IN (`+placeholders(2, len(ids))+`)
		ORDER BY d.id, i.line`, args...)
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]*loadedWork, len(ids))
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			rows.Close()
			return nil, err
		}
		lw := byID[dr.d.ID]
		if lw == nil {
			lw = &loadedWork{dr: dr, sr: sr, cr: cr, rr: rr, or: or, w: w}
			byID[dr.d.ID] = lw
		}
		if item.productID.Valid {
			lw.items = append(lw.items, msgcenter.OrderItem{ProductID: item.productID.Int64, Name: item.name.String,
				Quantity: int(item.quantity.Int64), UnitPrice: item.unitPrice.Int64})
		}
	}
	// Closed before anything else is read: on SQLite's single connection a
	// second query would wait for this one forever.
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]*loadedWork, len(ids))
	for i, id := range ids {
		out[i] = byID[id]
	}
	return out, nil
}

// finishWork turns what loadWork read into the worker's DeliveryWork,
// reading what only some messages need: a fallback's channel, and the
// subject of a message about anything but an order.
func (s *DeliveryService) finishWork(ctx context.Context, lw *loadedWork) (*msgcenter.DeliveryWork, error) {
	q := s.db.q
	w := lw.w
	d := lw.dr.value()
	var err error
	w.Delivery, w.Store = d, lw.sr.value()
	if w.Config, err = lw.cr.value(); err != nil {
		return nil, err
	}
	if d.RoomID != nil {
		if w.Room = lw.rr.value(); w.Room == nil {
			return nil, msgcenter.Errorf(msgcenter.ENOTFOUND, "Room not found.")
		}
		// Only a fallback chooses between the room's channel and another.
		if d.Kind == msgcenter.KindFallback {
			if w.Channel, err = findChannel(ctx, q, d.StoreID, w.Room.ChannelID, ""); err != nil {
				return nil, err
			}
		}
	}
	switch d.SubjectType {
	case msgcenter.SubjectOrder:
		if w.Order = lw.or.value(); w.Order == nil {
			return nil, msgcenter.Errorf(msgcenter.ENOTFOUND, "Order not found.")
		}
		w.Order.Items = append(w.Order.Items, lw.items...)
	case msgcenter.SubjectFailedCheckout:
		w.FailedCheckout, w.MicrositeToken, err = findFailedCheckout(ctx, q, d.StoreID, d.SubjectID)
	case msgcenter.SubjectCheckout:
		w.Checkout, err = findCheckout(ctx, q, d.StoreID, d.SubjectID, "")
	case msgcenter.SubjectClick:
		w.MicrositeToken, err = findClickToken(ctx, q, d.StoreID, d.SubjectID)
	case msgcenter.SubjectTest:
		w.Test, err = findTestSend(ctx, q, d.StoreID, d.SubjectID)
	}
	if err != nil {
		return nil, err
	}
	return &w, nil
}

// qualify prefixes each column of a column list with alias.
func qualify(columns, alias string) string {
	cols := strings.Split(columns, ",")
	for i, c := range cols {
		cols[i] = alias + "." + strings.TrimSpace(c)
	}
	return strings.Join(cols, ", ")
}

// RecordDeliveryResult records one step of a worker in one transaction:
// the attempt, numbered after the last, when r has one; the status, reason
// and rendered content; sent_at when sent. It writes nothing and reports
// false when the message is no longer queued. Returns ENOTFOUND for an
// unknown delivery and EINVALID for an unknown status or reason.
func (s *DeliveryService) RecordDeliveryResult(ctx context.Context, deliveryID int64, r msgcenter.DeliveryResult) (bool, error) {
	switch r.Status {
	case msgcenter.StatusQueued, msgcenter.StatusSent, msgcenter.StatusFailed, msgcenter.StatusSkipped:
	default:
		return false, msgcenter.Invalid("The delivery result is not valid.", map[string]string{"status": "must be one of queued, sent, failed, skipped"})
	}
	if r.Reason != "" && !r.Reason.Valid() {
		return false, msgcenter.Invalid("The delivery result is not valid.", map[string]string{"reason": "is not a known reason"})
	}
	now := s.db.now()
	var attempt msgcenter.Attempt
	tried := 0
	if r.Attempt != nil {
		attempt, tried = *r.Attempt, 1
		if attempt.At.IsZero() {
			attempt.At = now
		}
		attempt.At = attempt.At.UTC().Truncate(time.Microsecond)
	}
	// One transaction for this record and those of other workers that came
	// while the last ones ran (recordMany).
	out, err := s.records.Do(ctx, recordItem{id: deliveryID, r: r, tried: tried, attempt: attempt})
	if err != nil {
		return false, fmt.Errorf("sqlstore: record delivery: %w", err)
	}
	if !out.exists {
		return false, msgcenter.Errorf(msgcenter.ENOTFOUND, "Delivery not found.")
	}
	return out.updated, nil // not updated: already final
}

// recordItem is one RecordDeliveryResult waiting for recordMany.
type recordItem struct {
	id      int64
	r       msgcenter.DeliveryResult
	tried   int
	attempt msgcenter.Attempt
}

// recordOutcome is what recordMany found of one record: whether the message
// was still queued and so updated, and whether it exists.
type recordOutcome struct{ updated, exists bool }

// recordMany records items, of distinct messages, in one transaction of
// two statements in one pipeline (txn.pipeline): the attempts of the
// messages still queued, in one insert that locks their rows and numbers
// each after the message's tries; then the messages' update, guarded by
// their being queued; and, when some message was not updated, whether it
// exists at all. The locks make a concurrent record of the same message
// wait, then find it no longer queued: it neither numbers an attempt after
// the same count nor updates it.
func (s *DeliveryService) recordMany(ctx context.Context, items []recordItem) ([]recordOutcome, error) {
	out := make([]recordOutcome, len(items))
	err := s.db.withTx(ctx, func(tx *txn) error {
		now := s.db.now()
		updated := make(map[int64]bool, len(items))
		stmts := append(s.insertAttempts(items), updateRecorded(items, now, updated))
		if err := tx.pipeline(ctx, stmts...); err != nil {
			return err
		}
		var missing []any
		for i, it := range items {
			if !updated[it.id] {
				missing = append(missing, it.id)
				continue
			}
			out[i] = recordOutcome{updated: true, exists: true}
		}
		return s.markExisting(ctx, tx, items, missing, out)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// updateRecorded returns the statement that applies the results of items
// to their messages still queued, in one statement whose values are chosen
// by id, and marks the updated messages in updated. The update's time, and
// the sent time of those sent, is now.
func updateRecorded(items []recordItem, now time.Time, updated map[int64]bool) stmt {
	args := []any{now, string(msgcenter.StatusQueued)}
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	cases := map[string]*strings.Builder{}
	columns := []string{"status", "reason", "text", "button_label", "button_url", "channel_id", "channel_type", "tried", "sent_at"}
	for _, c := range columns {
		cases[c] = &strings.Builder{}
	}
	var in strings.Builder
	for i, it := range items {
		r := it.r
		id := arg(it.id)
		if i > 0 {
			in.WriteString(", ")
		}
		in.WriteString(id)
		values := []string{arg(string(r.Status)), arg(string(r.Reason)), arg(r.Text), arg(r.ButtonLabel), arg(r.ButtonURL),
			"CAST(" + arg(nullInt64(r.ChannelID)) + " AS BIGINT)", arg(string(r.ChannelType)), "CAST(" + arg(it.tried) + " AS INTEGER)"}
		for k, c := range columns[:len(columns)-1] {
			fmt.Fprintf(cases[c], " WHEN %s THEN %s", id, values[k])
		}
		// A message sent was sent at the update's time; another keeps
		// its sent time (the ELSE below).
		if r.Status == msgcenter.StatusSent {
			fmt.Fprintf(cases["sent_at"], " WHEN %s THEN %s", id, arg(now))
		}
	}
	set := func(c string) string { return "CASE id" + cases[c].String() + " END" }
	sentAt := "sent_at"
	if cases["sent_at"].Len() > 0 {
		sentAt = "CASE id" + cases["sent_at"].String() + " ELSE sent_at END"
	}
	return stmt{what: "update deliveries", query: `UPDATE deliveries
		SET status = ` + set("status") + `, reason = ` + set("reason") + `, text = ` + set("text") + `,
			button_label = ` + set("button_label") + `, button_url = ` + set("button_url") + `, channel_id = ` + set("channel_id") + `,
			channel_type = ` + set("channel_type") + `, updated_at = $1, tries = tries + ` + set("tried") + `, sent_at = ` + sentAt + `
		WHERE id IN (` + in.String() + `) AND status = $2
		RETURNING id`,
		args: args,
		rows: func(rows rowReader) error {
			for rows.Next() {
				var id int64
				if err := rows.Scan(&id); err != nil {
					return err
				}
				updated[id] = true
			}
			return nil
		}}
}

// insertAttempts returns the statement that inserts the attempts of items
// whose message is still queued, each numbered after its message's tries,
// and locks those messages' rows; none when no item has an attempt.
func (s *DeliveryService) insertAttempts(items []recordItem) []stmt {
	args := []any{string(msgcenter.StatusQueued)}
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	var in, at, outcome, providerID, errText strings.Builder
	for _, it := range items {
		if it.tried != 1 {
			continue
		}
		a := it.attempt
		id := arg(it.id)
		if in.Len() > 0 {
			in.WriteString(", ")
		}
		in.WriteString(id)
		fmt.Fprintf(&at, " WHEN %s THEN %s", id, arg(a.At))
		fmt.Fprintf(&outcome, " WHEN %s THEN %s", id, arg(string(a.Outcome)))
		fmt.Fprintf(&providerID, " WHEN %s THEN %s", id, arg(a.ProviderMessageID))
		fmt.Fprintf(&errText, " WHEN %s THEN %s", id, arg(a.Error))
	}
	if in.Len() == 0 {
		return nil
	}
	// The ELSE, never taken, gives the time its column's type.
	return []stmt{{what: "insert delivery attempts", query: `INSERT INTO delivery_attempts (delivery_id, n, at, outcome, provider_message_id, error)
		SELECT id, tries + 1, CASE id` + at.String() + ` ELSE updated_at END, CASE id` + outcome.String() + ` END,
			CASE id` + providerID.String() + ` END, CASE id` + errText.String() + ` END
		FROM deliveries WHERE id IN (` + in.String() + `) AND status = $1` + s.db.forUpdate(),
		args: args}}
}

// markExisting sets exists in out for the items whose message, among
// missing (not updated), exists.
func (s *DeliveryService) markExisting(ctx context.Context, tx *txn, items []recordItem, missing []any, out []recordOutcome) error {
	if len(missing) == 0 {
		return nil
	}
	rows, err := tx.QueryContext(ctx, `SELECT id FROM deliveries WHERE id IN (`+placeholders(1, len(missing))+`)`, missing...)
	if err != nil {
		return err
	}
	defer rows.Close()
	found := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return err
		}
		found[id] = true
	}
	for i, it := range items {
		if !out[i].updated {
			out[i].exists = found[it.id]
		}
	}
	return rows.Err()
}

// FindQueuedDeliveryIDs returns, by id, the ids of up to limit messages of
// any store with an id above afterID, still queued and untouched since
// olderThan: the ones a recovery sweep re-enqueues when their job was lost,
// paging by afterID. A limit of 0 or less means 100.
func (s *DeliveryService) FindQueuedDeliveryIDs(ctx context.Context, olderThan time.Time, afterID int64, limit int) ([]int64, error) {
	if limit <= 0 {
		limit = defaultDeliveryLimit
	}
	rows, err := s.db.q.QueryContext(ctx, `
		SELECT id FROM deliveries
		WHERE status = $1 AND updated_at < $2 AND id > $3
		ORDER BY id
		LIMIT $4`,
		string(msgcenter.StatusQueued), olderThan.UTC().Truncate(time.Microsecond), afterID, limit,
	)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: find queued deliveries: %w", err)
	}
	defer rows.Close()
	ids := []int64{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("sqlstore: scan delivery id: %w", err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: find queued deliveries: %w", err)
	}
	return ids, nil
}

const deliveryColumns = `id, store_id, subject_type, subject_id, order_id, event, room_id, kind, status, reason,
	channel_id, channel_type, text, button_label, button_url, created_at, updated_at, sent_at, delivered_at, read_at`

// findDelivery returns the one delivery matching where, with its attempts;
// ENOTFOUND when there is none.
func findDelivery(ctx context.Context, q querier, where string, args ...any) (*msgcenter.Delivery, error) {
	ds, err := findDeliveries(ctx, q, where, args...)
	if err != nil {
		return nil, err
	}
	if len(ds) == 0 {
		return nil, msgcenter.Errorf(msgcenter.ENOTFOUND, "Delivery not found.")
	}
	return ds[0], nil
}

// findDeliveries returns the deliveries matching where, with their
// attempts read in one more query.
func findDeliveries(ctx context.Context, q querier, where string, args ...any) ([]*msgcenter.Delivery, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+deliveryColumns+` FROM deliveries `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: find deliveries: %w", err)
	}
	ds := []*msgcenter.Delivery{}
	for rows.Next() {
		d, err := scanDelivery(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		ds = append(ds, d)
	}
	// Closed before the attempts are read: on SQLite's single connection a
	// second query would wait for this one forever.
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: find deliveries: %w", err)
	}
	if err := loadAttempts(ctx, q, ds); err != nil {
		return nil, err
	}
	return ds, nil
}

func scanDelivery(rows *sql.Rows) (*msgcenter.Delivery, error) {
	var x deliveryRow
	if err := rows.Scan(x.dest()...); err != nil {
		return nil, fmt.Errorf("sqlstore: scan delivery: %w", err)
	}
	return x.value(), nil
}

// deliveryRow receives the deliveryColumns of one row.
type deliveryRow struct {
	d                                                 msgcenter.Delivery
	subject, event, kind, status, reason, channelType string
	orderID, roomID, channelID                        sql.NullInt64
	sentAt, deliveredAt, readAt                       sql.NullTime
}

func (x *deliveryRow) dest() []any {
	d := &x.d
	return []any{&d.ID, &d.StoreID, &x.subject, &d.SubjectID, &x.orderID, &x.event, &x.roomID, &x.kind, &x.status, &x.reason,
		&x.channelID, &x.channelType, &d.Text, &d.ButtonLabel, &d.ButtonURL, &d.CreatedAt, &d.UpdatedAt, &x.sentAt, &x.deliveredAt, &x.readAt}
}

func (x *deliveryRow) value() *msgcenter.Delivery {
	d := x.d
	d.SubjectType, d.Event, d.Kind = msgcenter.SubjectType(x.subject), msgcenter.Event(x.event), msgcenter.DeliveryKind(x.kind)
	d.Status, d.Reason, d.ChannelType = msgcenter.DeliveryStatus(x.status), msgcenter.Reason(x.reason), msgcenter.ChannelType(x.channelType)
	d.OrderID, d.RoomID, d.ChannelID = int64Ptr(x.orderID), int64Ptr(x.roomID), int64Ptr(x.channelID)
	d.CreatedAt, d.UpdatedAt, d.SentAt = d.CreatedAt.UTC(), d.UpdatedAt.UTC(), timePtr(x.sentAt)
	d.DeliveredAt, d.ReadAt = timePtr(x.deliveredAt), timePtr(x.readAt)
	d.Attempts = []msgcenter.Attempt{}
	return &d
}

// loadAttempts fills the attempts of ds, by number.
func loadAttempts(ctx context.Context, q querier, ds []*msgcenter.Delivery) error {
	if len(ds) == 0 {
		return nil
	}
	byID := make(map[int64]*msgcenter.Delivery, len(ds))
	args := make([]any, 0, len(ds))
	for _, d := range ds {
		byID[d.ID] = d
		args = append(args, d.ID)
	}
	rows, err := q.QueryContext(ctx, `
		SELECT delivery_id, n, at, outcome, provider_message_id, error
		FROM delivery_attempts
		WHERE delivery_id IN (`+placeholders(1, len(args))+`)
		ORDER BY delivery_id, n`,
		args...,
	)
	if err != nil {
		return fmt.Errorf("sqlstore: find attempts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var a msgcenter.Attempt
		if err := rows.Scan(&id, &a.N, &a.At, &a.Outcome, &a.ProviderMessageID, &a.Error); err != nil {
			return fmt.Errorf("sqlstore: scan attempt: %w", err)
		}
		a.At = a.At.UTC()
		d := byID[id]
		d.Attempts = append(d.Attempts, a)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("sqlstore: find attempts: %w", err)
	}
	return nil
}
