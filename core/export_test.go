package core

// SetRenderFault makes the rendering of every real create answer (not the
// dry run's) fail with f's error, for the custody tests.
func SetRenderFault(s *Service, f func() error) { s.faults = &testFaults{Render: f} }

// SetAuditMax sets the audit log's rotation size for a test and returns
// the old one.
func SetAuditMax(n int64) int64 { old := AuditMaxBytes; AuditMaxBytes = n; return old }
