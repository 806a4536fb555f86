package delivery

import (
	"context"
	"sync/atomic"

	"github.com/riverqueue/river"
)

// NoopArgs is a job that does nothing: the benchmark's baseline of what
// River itself costs with the service's settings.
type NoopArgs struct{}

// Kind implements river.JobArgs.
func (NoopArgs) Kind() string { return "noop" }

// InsertOpts puts no-op jobs on the deliveries queue, so they run under the
// same settings as messages.
func (NoopArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{Queue: QueueDeliveries} }

type noopWorker struct {
	river.WorkerDefaults[NoopArgs]
	done *atomic.Int64
}

// Work counts the job.
func (w *noopWorker) Work(context.Context, *river.Job[NoopArgs]) error {
	w.done.Add(1)
	return nil
}

// InsertNoop inserts n no-op jobs in batches.
func (s *Service) InsertNoop(ctx context.Context, n int) error {
	const batch = 1000
	for n > 0 {
		k := min(n, batch)
		params := make([]river.InsertManyParams, k)
		for i := range params {
			params[i] = river.InsertManyParams{Args: NoopArgs{}}
		}
		if _, err := s.client.InsertMany(ctx, params); err != nil {
			return err
		}
		n -= k
	}
	return nil
}

// InsertOneNoop inserts one no-op job in a transaction of its own, as an
// order commits its message's job.
func (s *Service) InsertOneNoop(ctx context.Context) error {
	_, err := s.client.Insert(ctx, NoopArgs{}, nil)
	return err
}

// NoopDone returns how many no-op jobs this process has worked.
func (s *Service) NoopDone() int64 { return s.noopDone.Load() }
