package core

import (
	"errors"
	"fmt"
	"time"

	"github.com/konnectd/konnectd/config"
)

// configState is the caller's config file as the daemon sees it now.
func (s *Service) configState(c Caller) (config.State, error) {
	if files, ok := s.cfg.(ConfigFiles); ok {
		st, err := files.State(c.ConfigFile)
		if err != nil {
			return config.State{}, &ProfileError{Err: err}
		}
		return st, nil
	}
	if c.ConfigFile != "" {
		return config.State{}, &ProfileError{Err: fmt.Errorf("config file %s: this server serves only its own config file", c.ConfigFile)}
	}
	// A plain source has no history: a file it returns is taken as a last
	// good one, as a Watcher's Current always was.
	f, err := s.cfg.Current()
	return config.State{File: f, Loaded: f != nil, Err: err}, nil
}

// configFile returns the caller's config, and a warning when that is the
// last good content of a file whose newest content is invalid. A file that
// never loaded has nothing to fall back on: that is the error, with the
// file's line and column, rather than an empty config that would make
// every profile "not authenticated".
func (s *Service) configFile(c Caller) (*config.File, string, error) {
	st, err := s.configState(c)
	switch {
	case err != nil:
		return nil, "", err
	case st.File == nil || !st.Loaded:
		if st.Err == nil {
			st.Err = errors.New("no config loaded")
		}
		return nil, "", &ProfileError{Err: st.Err}
	case st.Err != nil:
		return st.File, configWarning(st), nil
	}
	return st.File, "", nil
}

// configWarning is one line saying the config in use is not the file's
// newest content: the problem (file, line and column) and since when.
func configWarning(st config.State) string {
	since := ""
	if !st.Since.IsZero() {
		since = " since " + st.Since.UTC().Format(time.RFC3339)
	}
	return fmt.Sprintf("%s; using the last good version of the file (invalid%s)", st.Err, since)
}
