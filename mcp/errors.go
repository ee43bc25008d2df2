package mcp

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/konnectd/konnectd/config"
	"github.com/konnectd/konnectd/core"
	"github.com/konnectd/konnectd/internal/redact"
	"github.com/konnectd/konnectd/jq"
	"github.com/konnectd/konnectd/keychain"
	"github.com/konnectd/konnectd/konnect"
)

// failure turns a core, Konnect or jq error into a tool result with
// isError set: the model reads the message and can correct itself (fix a
// filter, pick another profile, ask the user to log in). The message is
// the core's own, redacted, plus one line saying what to do next.
//
// A *core.StateError's Created record (which may hold a new secret) is
// never read here: only its message, which names no token value.
//
// The SDK turns a handler's plain error into exactly that result (and
// leaves structuredContent out), so handlers return failure's error.
func (t *tools) failure(ctx context.Context, profile string, err error) error {
	var up *config.UnknownProfileError
	if errors.As(err, &up) {
		// kongctl's text (which the CLI keeps, as a drop-in) tells the
		// user to run kongctl login; an agent's user has konnectd.
		msg := fmt.Sprintf("profile %q is not configured.", up.Name)
		if len(up.Available) > 0 {
			msg += fmt.Sprintf("\nConfigured profiles: %s. Pass one of them as \"profile\".", strings.Join(up.Available, ", "))
		}
		msg += fmt.Sprintf("\nTo use %q, the user must run 'konnectd login --profile %s' (a tool cannot): it stores a token for that profile in the keychain.", up.Name, up.Name)
		return errors.New(redact.String(msg))
	}
	// The keychain's advice names the daemon's flags; in this session the
	// file store is chosen where this server is started.
	msg := strings.ReplaceAll(err.Error(), keychain.HintFileOption, hintFileOptionMCP)
	if hint := t.hint(ctx, profile, err); hint != "" {
		msg += "\n" + hint
	}
	return errors.New(redact.String(msg))
}

// hintFileOptionMCP is keychain.HintFileOption for an MCP session, which
// reads the keychain setting when the agent host starts it.
const hintFileOptionMCP = "or the user can opt in to the plaintext file store: 'konnectd.keychain: file' in the kongctl config file's default profile, or --keychain=file added to this server's command line in the agent host's MCP configuration (konnectd mcp --keychain=file); either applies when the host restarts the server"

// hint says what the model (or the user it works for) should do about err.
func (t *tools) hint(ctx context.Context, profile string, err error) string {
	var (
		auth  *core.AuthError
		prof  *core.ProfileError
		val   *core.ValidationError
		api   *konnect.APIError
		state *core.StateError
		jqErr *jq.Error
		look  *core.LookupError
	)
	switch {
	case errors.As(err, &look):
		switch look.Kind {
		case "not_found":
			return "Nothing has that name or id: list the items first (list_tokens, list_system_accounts) to find the right one."
		case "ambiguous":
			return "Several items have that name: pass the id instead (system_account_id, or the token's id from list_tokens)."
		}
	case errors.As(err, &state):
		return "Do not retry blindly: tell the user where things stand (above)."
	case errors.As(err, &auth):
		return "The user must authorize konnectd for this profile; a tool cannot do it. Tell the user which command to run (above)."
	case errors.As(err, &prof):
		if l, lerr := t.svc.ListProfiles(ctx, t.caller(profile)); lerr == nil && len(l.Profiles) > 0 {
			return fmt.Sprintf("Configured profiles: %s. Pass one of them as \"profile\".", strings.Join(l.Profiles, ", "))
		}
		return "Check the profile name and the user's kongctl config file."
	case errors.As(err, &val):
		return "Correct the arguments and call the tool again."
	case errors.As(err, &jqErr):
		return "Fix the jq expression (jq 1.7 syntax, as in kongctl --jq) and call again."
	case errors.Is(err, konnect.ErrOutcomeUnknown):
		return "List the tokens to check whether it was created before trying again."
	case errors.As(err, &api):
		switch api.Status {
		case http.StatusUnauthorized:
			login := "konnectd login"
			if name := t.caller(profile).ProfileName(); name != config.DefaultProfile {
				login += " --profile " + name
			}
			return fmt.Sprintf("Konnect rejected the credential: the token may be expired or revoked. Ask the user to log in again ('%s').", login)
		case http.StatusForbidden:
			return "The identity behind this profile lacks the permission for this call; try another profile or ask the user."
		case http.StatusNotFound:
			return "Check the id: list the items first to find the right one."
		case http.StatusBadRequest:
			return "Correct the arguments named above and call again."
		case http.StatusTooManyRequests:
			return "Konnect is rate limiting; wait before calling again."
		}
		if api.Status >= 500 {
			return "Konnect failed; try again later."
		}
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Sprintf("The call did not finish within %s; narrow it (filter, limit) and try again.", t.o.Timeout)
	}
	return ""
}
