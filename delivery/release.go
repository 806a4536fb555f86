package delivery

import (
	"context"

	"github.com/riverqueue/river"
)

// ReleaseArgs is the job that expires an order still unpaid at its release
// time and gives its items back to stock.
type ReleaseArgs struct {
	OrderID int64 `json:"order_id"`
}

// Kind implements river.JobArgs.
func (ReleaseArgs) Kind() string { return "release_unpaid_order" }

// InsertOpts keeps at most one live release job an order.
func (ReleaseArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: liveStates}}
}

type releaseWorker struct {
	river.WorkerDefaults[ReleaseArgs]
	s *Service
}

// Work releases the order when it is still unpaid, counting each release;
// a run for an order already paid, cancelled or released changes nothing.
func (w *releaseWorker) Work(ctx context.Context, job *river.Job[ReleaseArgs]) error {
	if w.s.cfg.Flow == nil {
		return nil
	}
	released, err := w.s.cfg.Flow.ReleaseUnpaidOrder(ctx, job.Args.OrderID)
	if err != nil {
		return err
	}
	if released {
		w.s.cfg.Metrics.released()
	}
	return nil
}
