package core

import (
	"context"
	"slices"

	"github.com/konnectd/konnectd/config"
)

// ProfileList is profile/list's answer, and the payload of
// profile/didChange.
type ProfileList struct {
	Profiles   []string `json:"profiles"`
	Active     string   `json:"active"`
	ConfigFile string   `json:"configFile,omitempty"`
	Error      string   `json:"error,omitempty"` // the config file is invalid; Profiles are the last good ones
}

// ListProfiles lists the configured profiles and the caller's active one.
// An invalid file is not an error here: the answer says what is wrong
// (Error) next to the last good profiles, or none when nothing ever loaded.
func (s *Service) ListProfiles(ctx context.Context, c Caller) (*ProfileList, error) {
	st, err := s.configState(c)
	if err != nil {
		return nil, err
	}
	l := &ProfileList{Active: c.ProfileName()}
	if st.File != nil {
		l.ConfigFile = st.File.Path()
		if st.Loaded {
			l.Profiles = st.File.Profiles()
		}
	}
	if st.Err != nil {
		l.Error = st.Err.Error()
	}
	if l.Profiles == nil {
		l.Profiles = []string{}
	}
	return l, nil
}

// ProfileChange builds the profile/didChange payload of one connection.
func ProfileChange(ch config.Change, c Caller) ProfileList {
	l := ProfileList{Profiles: slices.Clone(ch.Profiles), Active: c.ProfileName(), Error: ch.Error}
	if ch.File != nil {
		l.ConfigFile = ch.File.Path()
	}
	if l.Profiles == nil {
		l.Profiles = []string{}
	}
	return l
}

// ProfileInfo is profile/get's answer: a profile's effective settings
// (file values with the caller's environment on top) and where its
// credential would come from. A token value is never shown.
type ProfileInfo struct {
	Name             string            `json:"name"`
	Settings         map[string]string `json:"settings"`
	BaseURL          string            `json:"baseURL,omitempty"`
	CredentialSource string            `json:"credentialSource,omitempty"`
	CredentialWhere  string            `json:"credentialWhere,omitempty"`
	Warnings         []string          `json:"warnings,omitempty"`
}

// GetProfile describes the caller's profile.
func (s *Service) GetProfile(ctx context.Context, c Caller) (*ProfileInfo, error) {
	p, _, err := s.profile(ctx, c)
	if err != nil {
		return nil, err
	}
	info := &ProfileInfo{Name: p.Name, Settings: map[string]string{}}
	if _, w, _ := s.configFile(c); w != "" {
		info.Warnings = append(info.Warnings, w)
	}
	for _, k := range p.Keys() {
		if k == config.KeyPAT {
			info.Settings[k] = "(set; hidden)"
			continue
		}
		if v, ok := p.String(k); ok {
			info.Settings[k] = v
		}
	}
	if base, err := p.BaseURL(); err == nil {
		info.BaseURL = base
	} else {
		info.Warnings = append(info.Warnings, err.Error())
	}
	if cred, err := p.Credential(c.PAT, s.keychainLookup(ctx, &info.Warnings, nil)); err == nil {
		info.CredentialSource, info.CredentialWhere = string(cred.Source), cred.Where
	} else if _, none := err.(*config.NoTokenError); !none {
		info.Warnings = append(info.Warnings, err.Error())
	}
	return info, nil
}
