package delivery

import "github.com/riverqueue/river"

// Subscribe returns the River events of the given kinds for the jobs this
// process works, and a function that ends the subscription (closing the
// channel); cmd turns them into job metrics. Only a Service that works
// jobs (Config.Work) has events.
func (s *Service) Subscribe(kinds ...river.EventKind) (<-chan *river.Event, func()) {
	return s.client.Subscribe(kinds...)
}
