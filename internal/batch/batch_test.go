package batch

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"
)

// recorder is a Run that records its runs and can hold them at a gate.
type recorder struct {
	mu   sync.Mutex
	runs [][]int
	gate chan struct{} // when set, each run waits for a value
	bad  int           // a run holding bad fails
}

func (r *recorder) run(_ context.Context, items []int) ([]int, error) {
	r.mu.Lock()
	r.runs = append(r.runs, slices.Clone(items))
	gate := r.gate
	r.mu.Unlock()
	if gate != nil {
		<-gate
	}
	if r.bad != 0 && slices.Contains(items, r.bad) {
		return nil, errors.New("bad item")
	}
	out := make([]int, len(items))
	for i, it := range items {
		out[i] = it * 10
	}
	return out, nil
}

func (r *recorder) got() [][]int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.runs)
}

// queued waits until n calls wait in b's queue.
func queued(t *testing.T, b *Batcher[int, int], n int) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		b.mu.Lock()
		l := len(b.queue)
		b.mu.Unlock()
		if l == n {
			return
		}
	}
	t.Fatalf("%d calls never queued", n)
}

func TestAlone(t *testing.T) {
	r := &recorder{}
	b := &Batcher[int, int]{Run: r.run}
	for i := 1; i <= 3; i++ {
		if got, err := b.Do(context.Background(), i); err != nil || got != i*10 {
			t.Fatalf("Do(%d) = %d, %v", i, got, err)
		}
	}
	if got := r.got(); !slices.EqualFunc(got, [][]int{{1}, {2}, {3}}, slices.Equal) {
		t.Fatalf("runs = %v, want each item alone", got)
	}
}

// While a run is busy, the items that arrive wait and then run together,
// at most Max at a time, each caller getting its own result.
func TestWaitingItemsRunTogether(t *testing.T) {
	r := &recorder{gate: make(chan struct{})}
	b := &Batcher[int, int]{Run: r.run, Concurrency: 1, Max: 4}
	var wg sync.WaitGroup
	results := make([]int, 7)
	do := func(i int) {
		defer wg.Done()
		got, err := b.Do(context.Background(), i)
		if err != nil {
			t.Errorf("Do(%d): %v", i, err)
		}
		results[i] = got
	}
	wg.Add(1)
	go do(0)
	for len(r.got()) == 0 {
		time.Sleep(time.Millisecond)
	}
	for i := 1; i < 7; i++ {
		wg.Add(1)
		go do(i)
	}
	queued(t, b, 6)
	close(r.gate)
	wg.Wait()
	runs := r.got()
	if len(runs) != 3 || len(runs[0]) != 1 || len(runs[1]) != 4 || len(runs[2]) != 2 {
		t.Fatalf("runs = %v, want 1, then 4 (Max), then 2 items", runs)
	}
	for i, got := range results {
		if got != i*10 {
			t.Fatalf("result of %d = %d", i, got)
		}
	}
}

func TestKeyKeepsItemsApart(t *testing.T) {
	r := &recorder{gate: make(chan struct{}, 100)}
	b := &Batcher[int, int]{Run: r.run, Concurrency: 1, Key: func(i int) any { return i % 10 }}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); b.Do(context.Background(), 100) }()
	for len(r.got()) == 0 {
		time.Sleep(time.Millisecond)
	}
	for n, i := range []int{1, 11, 2, 21} {
		wg.Add(1)
		go func() { defer wg.Done(); b.Do(context.Background(), i) }()
		queued(t, b, n+1)
	}
	for range 10 {
		r.gate <- struct{}{}
	}
	wg.Wait()
	runs := r.got()
	if len(runs) != 4 || !slices.Equal(runs[1], []int{1, 2}) || !slices.Equal(runs[2], []int{11}) || !slices.Equal(runs[3], []int{21}) {
		t.Fatalf("runs = %v, want [100] [1 2] [11] [21]", runs)
	}
}

// zeroThenFour calls Do with 0, which runs alone and waits at r's gate,
// then with 1 to 4, which queue behind it and so run together; it opens the
// gate for ten runs and returns each call's error.
func zeroThenFour(t *testing.T, b *Batcher[int, int], r *recorder) []error {
	t.Helper()
	var wg sync.WaitGroup
	errs := make([]error, 5)
	wg.Add(1)
	go func() { defer wg.Done(); _, errs[0] = b.Do(context.Background(), 0) }()
	for len(r.got()) == 0 {
		time.Sleep(time.Millisecond)
	}
	for i := 1; i < 5; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); _, errs[i] = b.Do(context.Background(), i) }()
	}
	queued(t, b, 4)
	for range 10 {
		r.gate <- struct{}{}
	}
	wg.Wait()
	return errs
}

// A failing run is run again item by item: only the item that fails
// gets the error.
func TestFailureIsTheItemsOwn(t *testing.T) {
	r := &recorder{gate: make(chan struct{}, 100), bad: 3}
	b := &Batcher[int, int]{Run: r.run, Concurrency: 1}
	errs := zeroThenFour(t, b, r)
	for i, err := range errs {
		if (err != nil) != (i == 3) {
			t.Fatalf("Do(%d) = %v; want an error for 3 only", i, err)
		}
	}
	if runs := r.got(); len(runs) != 6 || len(runs[1]) != 4 {
		t.Fatalf("runs = %v, want [0], the four together, then each alone", runs)
	}
}

// A caller that gives up while its item waits takes it out: no run sees it.
func TestCancelledWhileQueued(t *testing.T) {
	r := &recorder{gate: make(chan struct{}, 100)}
	b := &Batcher[int, int]{Run: r.run, Concurrency: 1}
	done := make(chan struct{})
	go func() { b.Do(context.Background(), 1); close(done) }()
	for len(r.got()) == 0 {
		time.Sleep(time.Millisecond)
	}
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error)
	go func() { _, err := b.Do(ctx, 2); errc <- err }()
	queued(t, b, 1)
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Fatalf("Do = %v, want context.Canceled", err)
	}
	r.gate <- struct{}{}
	<-done
	r.gate <- struct{}{}
	if got, err := b.Do(context.Background(), 3); err != nil || got != 30 {
		t.Fatalf("Do(3) = %d, %v", got, err)
	}
	if runs := r.got(); !slices.EqualFunc(runs, [][]int{{1}, {3}}, slices.Equal) {
		t.Fatalf("runs = %v, want [1] [3]", runs)
	}
}

// Many callers at once, under -race: each gets its own result, and the
// runs hold every item exactly once.
func TestConcurrent(t *testing.T) {
	r := &recorder{}
	b := &Batcher[int, int]{Run: r.run, Max: 8}
	var wg sync.WaitGroup
	for i := range 500 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if got, err := b.Do(context.Background(), i); err != nil || got != i*10 {
				t.Errorf("Do(%d) = %d, %v", i, got, err)
			}
		}()
	}
	wg.Wait()
	var all []int
	for _, run := range r.got() {
		if len(run) > 8 {
			t.Fatalf("a run of %d items, over Max", len(run))
		}
		all = append(all, run...)
	}
	slices.Sort(all)
	if len(all) != 500 || all[0] != 0 || all[499] != 499 || len(slices.Compact(all)) != 500 {
		t.Fatalf("runs hold %d items", len(all))
	}
	// A leader counts its run done just after its callers return.
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(time.Millisecond) {
		b.mu.Lock()
		running, queued := b.running, len(b.queue)
		b.mu.Unlock()
		if running == 0 && queued == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after all calls: %d running, %d queued", running, queued)
		}
	}
}

// A Run that panics fails its own items, the split retry included, and
// nothing else: later calls run, and no caller is left waiting.
func TestPanicIsTheRunsItemsError(t *testing.T) {
	r := &recorder{gate: make(chan struct{}, 100)}
	b := &Batcher[int, int]{Concurrency: 1}
	b.Run = func(ctx context.Context, items []int) ([]int, error) {
		if slices.Contains(items, 3) {
			panic("bad item")
		}
		return r.run(ctx, items)
	}
	errs := zeroThenFour(t, b, r)
	for i, err := range errs {
		if (err != nil) != (i == 3) || (i == 3 && !errors.Is(err, errPanicked)) {
			t.Fatalf("Do(%d) = %v; want the panic's error for 3 only", i, err)
		}
	}
	r.gate <- struct{}{}
	if got, err := b.Do(context.Background(), 7); err != nil || got != 70 {
		t.Fatalf("Do(7) after the panic = %d, %v", got, err)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.running != 0 || len(b.queue) != 0 {
		t.Fatalf("after the panic: %d running, %d queued", b.running, len(b.queue))
	}
}

// A run that ran out of time fails its items at once: they are not run
// again one by one, each waiting as long.
func TestTimedOutRunIsNotSplit(t *testing.T) {
	var mu sync.Mutex
	runs := 0
	started := make(chan struct{}, 10)
	b := &Batcher[int, int]{Concurrency: 1, Timeout: 50 * time.Millisecond}
	b.Run = func(ctx context.Context, items []int) ([]int, error) {
		mu.Lock()
		runs++
		mu.Unlock()
		started <- struct{}{}
		<-ctx.Done()
		return nil, ctx.Err()
	}
	var wg sync.WaitGroup
	errs := make([]error, 4)
	wg.Add(1)
	go func() { defer wg.Done(); _, errs[0] = b.Do(context.Background(), 0) }()
	<-started
	for i := 1; i < 4; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); _, errs[i] = b.Do(context.Background(), i) }()
	}
	queued(t, b, 3)
	wg.Wait()
	for i, err := range errs {
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Do(%d) = %v, want its run's deadline", i, err)
		}
	}
	if runs != 2 {
		t.Fatalf("%d runs, want 2: the first alone, then the three together, not split", runs)
	}
}
