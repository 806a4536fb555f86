package main

import (
	"context"
	"sync/atomic"

	"github.com/riverqueue/river"

	"github.com/qiscus/msgcenter/delivery"
)

// noopArgs is the bench's job that does nothing: the baseline of what
// River itself costs with the service's settings.
type noopArgs struct{}

// Kind implements river.JobArgs.
func (noopArgs) Kind() string { return "bench_noop" }

// InsertOpts puts no-op jobs on the deliveries queue, so they run under the
// same settings as messages.
func (noopArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: delivery.QueueDeliveries}
}

type noopWorker struct {
	river.WorkerDefaults[noopArgs]
	done *atomic.Int64
}

// Work counts the job.
func (w *noopWorker) Work(context.Context, *river.Job[noopArgs]) error {
	w.done.Add(1)
	return nil
}

// insertNoopBatches returns an insert of n no-op jobs in batches of 1,000.
func insertNoopBatches(m *Main) func(ctx context.Context, n int) error {
	return func(ctx context.Context, n int) error {
		const batch = 1000
		for n > 0 {
			k := min(n, batch)
			args := make([]river.JobArgs, k)
			for i := range args {
				args[i] = noopArgs{}
			}
			if err := m.Delivery.Insert(ctx, args...); err != nil {
				return err
			}
			n -= k
		}
		return nil
	}
}
