// Package batch runs the work that concurrent callers hand in one at a time
// as few runs of many items: the first caller's item starts at once, and
// items that arrive while runs are busy wait for the next run, which takes
// all of them (up to a bound). Under no load an item runs alone and waits
// for nothing; under load one statement serves many callers. It is what
// group commit is to a database log, for statements that are cheap per row
// and dear per round trip.
package batch

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

var errPanicked = errors.New("batch: the run panicked")

// Batcher runs items through Run in batches. Its fields must be set before
// the first Do and not changed after.
type Batcher[T, R any] struct {
	// Run does the work of items and returns one result per item, in order,
	// or an error for the whole run, having then done none of it (one
	// statement, or one transaction). A run of more than one item that
	// fails is run again item by item, so one item's failure, or a deadlock
	// between runs, is that item's alone; a run that ran out of time is not.
	// A panic in Run is its items' error.
	Run func(ctx context.Context, items []T) ([]R, error)
	// Max bounds the items of one run (default 64).
	Max int
	// Concurrency bounds the runs at once (default 2).
	Concurrency int
	// Key, when set, keeps items of one key out of the same run: they go in
	// later runs, in the order they came.
	Key func(T) any
	// Timeout bounds one run (default 30 s). A run goes on when the caller
	// whose item started it gives up: the others still wait for it.
	Timeout time.Duration

	mu      sync.Mutex
	queue   []*call[T, R]
	running int
}

type call[T, R any] struct {
	item T
	done chan struct{}
	res  R
	err  error
}

// Do hands item to the next run and returns its result. When ctx ends
// while the item still waits, it leaves and Do returns ctx's error; once a
// run has taken it, Do waits for the run and returns what it did.
func (b *Batcher[T, R]) Do(ctx context.Context, item T) (R, error) {
	c := &call[T, R]{item: item, done: make(chan struct{})}
	b.mu.Lock()
	b.queue = append(b.queue, c)
	lead := b.running < b.concurrency()
	if lead {
		b.running++
	}
	b.mu.Unlock()
	if lead {
		b.lead(ctx)
	}
	select {
	case <-c.done:
		return c.res, c.err
	case <-ctx.Done():
	}
	b.mu.Lock()
	for i, q := range b.queue {
		if q == c {
			b.queue = append(b.queue[:i], b.queue[i+1:]...)
			b.mu.Unlock()
			var zero R
			return zero, ctx.Err()
		}
	}
	b.mu.Unlock()
	<-c.done
	return c.res, c.err
}

// lead runs one batch of the queue, then leaves the next to a goroutine of
// its own when items still wait, so no caller leads longer than one run.
func (b *Batcher[T, R]) lead(ctx context.Context) {
	b.mu.Lock()
	batch := b.take()
	b.mu.Unlock()
	if len(batch) > 0 {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), b.timeout())
		b.run(ctx, batch)
		cancel()
	}
	b.mu.Lock()
	if len(b.queue) == 0 {
		b.running--
		b.mu.Unlock()
		return
	}
	b.mu.Unlock()
	go b.lead(context.WithoutCancel(ctx))
}

// take removes the next run's items from the queue; b.mu is held.
func (b *Batcher[T, R]) take() []*call[T, R] {
	max := b.Max
	if max <= 0 {
		max = 64
	}
	if b.Key == nil {
		n := min(max, len(b.queue))
		batch := append([]*call[T, R](nil), b.queue[:n]...)
		b.queue = append(b.queue[:0], b.queue[n:]...)
		return batch
	}
	var batch []*call[T, R]
	seen := map[any]bool{}
	rest := b.queue[:0]
	for _, c := range b.queue {
		k := b.Key(c.item)
		if len(batch) < max && !seen[k] {
			seen[k] = true
			batch = append(batch, c)
			continue
		}
		seen[k] = true // later items of the key keep their order
		rest = append(rest, c)
	}
	clear(b.queue[len(rest):])
	b.queue = rest
	return batch
}

// run runs batch and hands each call its outcome. A failed run of several
// items is run again item by item, unless its time ran out (each would wait
// as long again), or its result count was wrong (it did its work). A Run
// that panics fails its items with the panic's value and nothing else: the
// leader goes on handing off, so no caller waits for a run that never comes.
func (b *Batcher[T, R]) run(ctx context.Context, batch []*call[T, R]) {
	items := make([]T, len(batch))
	for i, c := range batch {
		items[i] = c.item
	}
	res, err := b.safeRun(ctx, items)
	if err == nil && len(res) != len(items) {
		err = fmt.Errorf("batch: a run of %d items returned %d results", len(items), len(res))
	} else if err != nil && len(batch) > 1 && ctx.Err() == nil {
		for _, c := range batch {
			b.run(ctx, []*call[T, R]{c})
		}
		return
	}
	for i, c := range batch {
		if err != nil {
			c.err = err
		} else {
			c.res = res[i]
		}
		close(c.done)
	}
}

// safeRun calls Run, turning a panic into an error.
func (b *Batcher[T, R]) safeRun(ctx context.Context, items []T) (res []R, err error) {
	defer func() {
		if v := recover(); v != nil {
			res, err = nil, fmt.Errorf("%w: %v", errPanicked, v)
		}
	}()
	return b.Run(ctx, items)
}

func (b *Batcher[T, R]) concurrency() int {
	if b.Concurrency <= 0 {
		return 2
	}
	return b.Concurrency
}

func (b *Batcher[T, R]) timeout() time.Duration {
	if b.Timeout <= 0 {
		return 30 * time.Second
	}
	return b.Timeout
}
