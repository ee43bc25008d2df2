package keychain

import (
	"fmt"
	"regexp"
	"strings"
)

const (
	// windowsMaxSecret is Credential Manager's limit on a credential blob
	// (CRED_MAX_CREDENTIAL_BLOB_SIZE is 5*512); go-keyring enforces it too.
	windowsMaxSecret = 2560
	// darwinMaxCommand is go-keyring's limit on the line it sends to
	// "security -i".
	darwinMaxCommand = 4096
	// defaultMaxSecret is our own limit where the keychain has none.
	defaultMaxSecret = 64 << 10
)

// maxSecretLen returns the largest secret, in bytes, that the keychain of goos
// accepts for service and account. It takes goos as an argument, rather than
// being split across build-tagged files, so every platform's rule is tested on
// every platform.
func maxSecretLen(goos, service, account string) int {
	switch goos {
	case "windows":
		return windowsMaxSecret
	case "darwin":
		// go-keyring sends
		//   add-generic-password -U -s <service> -a <account> -w go-keyring-base64:<base64>\n
		// with the arguments shell-quoted, and refuses lines over 4096 bytes.
		// The base64 alphabet and the prefix need no quoting.
		fixed := len("add-generic-password -U -s  -a  -w go-keyring-base64:\n") +
			len(shellQuote(service)) + len(shellQuote(account))
		room := darwinMaxCommand - fixed
		if room < 4 {
			return 0
		}
		return room / 4 * 3 // base64 turns every 3 bytes into 4
	default:
		return defaultMaxSecret
	}
}

// shellUnsafe matches what go-keyring's internal shellescape quotes.
var shellUnsafe = regexp.MustCompile(`[^\w@%+=:,./-]`)

// shellQuote mirrors go-keyring's internal shellescape.Quote, which only
// matters here for its length.
func shellQuote(s string) string {
	if s == "" {
		return "''"
	}
	if !shellUnsafe.MatchString(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'"'"'`) + "'"
}

// checkSize returns an ErrTooLarge error, naming sizes but never content,
// when secret is too large for where it is going.
func checkSize(op, account, where string, secret string, limit int) error {
	if len(secret) <= limit {
		return nil
	}
	return &Error{
		Op: op, Account: account, Kind: ErrTooLarge,
		Hint: fmt.Sprintf("it is %d bytes; %s takes at most %d here: %s", len(secret), where, limit, hintTooLarge),
	}
}
