package rpc

import (
	"path/filepath"
	"strings"
)

// maxConfigUsed bounds the config files one session remembers using; the
// daemon's config.Set bounds how many are watched at all.
const maxConfigUsed = 32

// ConfigFile is the connection's config file: the one initialize named,
// else the forwarded KONGCTL_CONFIG_FILE, else "" (the daemon's own). A
// stdio client that forwarded no environment gets the daemon's own file:
// the daemon already resolved its parent's --config-file and
// KONGCTL_CONFIG_FILE, in that order, when it started.
func (s *Session) ConfigFile() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.configFile != "" {
		return s.configFile
	}
	return strings.TrimSpace(s.env["KONGCTL_CONFIG_FILE"])
}

// noteConfigFile records that a request of this session used path.
func (s *Session) noteConfigFile(path string) {
	path = cleanConfigPath(path)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.configUsed == nil {
		s.configUsed = map[string]bool{}
	}
	if !s.configUsed[path] && len(s.configUsed) < maxConfigUsed {
		s.configUsed[path] = true
	}
}

// UsesConfigFile reports whether profile/didChange for the file at path
// concerns this session: it is the connection's file or one its requests
// used. "" stands for the daemon's own file, which a session uses unless
// it named another.
func (s *Session) UsesConfigFile(path string) bool {
	path = cleanConfigPath(path)
	if cleanConfigPath(s.ConfigFile()) == path {
		return true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.configUsed[path]
}

func cleanConfigPath(p string) string {
	if p == "" {
		return ""
	}
	return filepath.Clean(p)
}
