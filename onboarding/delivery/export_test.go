package delivery

// SetCrashAfterTransport makes the service "die" right after the
// transport call for deliveries where f says so: nothing is recorded.
func (s *Service) SetCrashAfterTransport(f func(deliveryID string) bool) { s.crashAfterTransport = f }
