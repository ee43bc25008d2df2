package cmdutil

import "regexp"

var uuidRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// IsID tells an id from a name or an email on a command line, as kongctl
// does: a UUID is an id, anything else is looked up.
func IsID(s string) bool { return uuidRE.MatchString(s) }
