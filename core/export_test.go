package core

// SetRenderFault makes the rendering of every real create answer (not the
// dry run's) fail with f's error, for the custody tests.
func SetRenderFault(s *Service, f func() error) { s.faults = &testFaults{Render: f} }
