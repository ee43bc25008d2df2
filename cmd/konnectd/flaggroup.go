package main

import (
	"regexp"
	"strings"

	"github.com/spf13/cobra"
)

// Cobra checks flag groups (MarkFlagsMutuallyExclusive and friends) itself
// and returns plain errors in its own words, which used to reach the user
// verbatim with exit 1: "if any flags in the group [store-as-profile store]
// are set none of the others can be; [store store-as-profile] were all
// set". These patterns match cobra v1.10's messages (flag_groups.go); a
// message they do not match is left as it is, still a usage error.
var (
	exclusiveGroupErr = regexp.MustCompile(`^if any flags in the group \[[^\]]*\] are set none of the others can be; \[([^\]]*)\] were all set$`)
	flagGroupErr      = regexp.MustCompile(`^(if any flags in the group \[|at least one of the flags in the group \[)`)
)

// flagGroupUsage turns cobra's flag-group error into a usage error (exit
// 2) that names the flags as they are typed; ok is false for other errors.
func flagGroupUsage(cmd *cobra.Command, err error) (error, bool) {
	msg := err.Error()
	if !flagGroupErr.MatchString(msg) {
		return nil, false
	}
	if m := exclusiveGroupErr.FindStringSubmatch(msg); m != nil {
		names := strings.Fields(m[1])
		for i, n := range names {
			names[i] = "--" + n
		}
		return commandUsage(cmd, "%s cannot be used together: give only one", joinAnd(names)), true
	}
	return commandUsage(cmd, "%s", msg), true
}

// joinAnd lists names as "a and b" or "a, b and c".
func joinAnd(names []string) string {
	if len(names) <= 1 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}
