package mcp

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/konnectd/konnectd/internal/redact"
)

// The SDK validates a tool call's arguments against the tool's input
// schema before the handler runs and, when they do not fit, answers with
// jsonschema-go's own text: `validating "arguments": validating root:
// validating /properties/limit: type: <invalid reflect.Value> has type
// "null", want "integer"`. A model (or a person reading the Inspector)
// should not have to decode that, so the guard rewrites it into one line
// per problem naming the argument. The patterns are jsonschema-go
// v0.4's messages; a message none of them match is still cleaned up
// (reflect's "<invalid reflect.Value>" is how it prints null) and kept.
const argsPrefix = `validating "arguments": `

var (
	argPathRE   = regexp.MustCompile(`^validating /properties/([^/:]+)(?:/[^:]*)?: (.*)$`)
	argTypeRE   = regexp.MustCompile(`^type: .* has type "(\w+)", want (?:one of )?(.+)$`)
	argEnumRE   = regexp.MustCompile(`^enum: .* does not equal any of: \[(.*)\]$`)
	argMinRE    = regexp.MustCompile(`^minimum: (\S+) is less than (\S+)$`)
	argAnyOfRE  = regexp.MustCompile(`^anyOf: did not validate against any of`)
	argExtraRE  = regexp.MustCompile(`^unexpected additional properties \[(.*)\]$`)
	argReqRE    = regexp.MustCompile(`^required: missing properties: \[(.*)\]$`)
	argNotRE    = regexp.MustCompile(`^not: validated against`)
	wantTypeRE  = regexp.MustCompile(`want "(\w+)"`)
	quotedRE    = regexp.MustCompile(`"(\w+)"`)
	hasTypeRE   = regexp.MustCompile(`has type "(\w+)"`)
	reflectNull = strings.NewReplacer("<invalid reflect.Value>", "null")
)

// toolRules say in words what a tool's schema-level rule (a root "not")
// means, for the message when it is broken.
var toolRules = map[string]string{
	"list_assigned_roles": "give exactly one of user_id, team_id or system_account_id (list_users, list_teams or list_system_accounts find the id)",
}

// argumentsMessage rewrites the SDK's argument validation message for
// tool; ok is false when msg is not one.
func argumentsMessage(tool, msg string) (string, bool) {
	rest, ok := strings.CutPrefix(msg, argsPrefix)
	if !ok {
		return "", false
	}
	lines := strings.Split(rest, "\n")
	first := strings.TrimPrefix(lines[0], "validating root: ")
	var problem string
	if m := argPathRE.FindStringSubmatch(first); m != nil {
		problem = argumentProblem(m[1], m[2], lines[1:])
	} else if m := argExtraRE.FindStringSubmatch(first); m != nil {
		problem = fmt.Sprintf("unknown argument %s: this tool does not take it (its inputSchema lists the arguments it does)", strings.Join(strings.Fields(m[1]), ", "))
	} else if m := argReqRE.FindStringSubmatch(first); m != nil {
		problem = fmt.Sprintf("missing required argument %s", strings.Join(strings.Fields(m[1]), ", "))
	} else if argNotRE.MatchString(first) && toolRules[tool] != "" {
		problem = toolRules[tool]
	} else {
		problem = reflectNull.Replace(rest)
	}
	return redact.String("invalid arguments: " + problem + "\nCorrect the arguments and call the tool again."), true
}

// argumentProblem words one argument's failure.
func argumentProblem(name, what string, more []string) string {
	if m := argTypeRE.FindStringSubmatch(what); m != nil {
		return typeProblem(name, m[1], quotedRE.FindAllStringSubmatch(m[2], -1), m[2])
	}
	if argAnyOfRE.MatchString(what) {
		// Each branch's failure follows on its own line; for a type
		// mismatch they name the type given and one wanted type each.
		var got string
		var wants [][]string
		for _, l := range more {
			if m := hasTypeRE.FindStringSubmatch(l); m != nil && got == "" {
				got = m[1]
			}
			wants = append(wants, wantTypeRE.FindAllStringSubmatch(l, -1)...)
		}
		if got != "" && len(wants) > 0 {
			return typeProblem(name, got, wants, "")
		}
		return fmt.Sprintf("argument %q does not have any of the accepted forms", name)
	}
	if m := argEnumRE.FindStringSubmatch(what); m != nil {
		return fmt.Sprintf("argument %q must be one of: %s", name, strings.Join(strings.Fields(m[1]), ", "))
	}
	if m := argMinRE.FindStringSubmatch(what); m != nil {
		// jsonschema-go prints the value as a fraction (0/1) and the
		// bound as a float (1.000000).
		return fmt.Sprintf("argument %q must be at least %s, got %s", name, strings.TrimRight(strings.TrimRight(m[2], "0"), "."), strings.TrimSuffix(m[1], "/1"))
	}
	return fmt.Sprintf("argument %q: %s", name, reflectNull.Replace(what))
}

func typeProblem(name, got string, wants [][]string, raw string) string {
	var ws []string
	for _, w := range wants {
		ws = append(ws, article(w[1]))
	}
	want := strings.Join(ws, " or ")
	if want == "" {
		want = raw
	}
	if got == "null" {
		return fmt.Sprintf("argument %q is null, and it takes %s: leave it out to use its default", name, want)
	}
	return fmt.Sprintf("argument %q is %s, and it takes %s", name, article(got), want)
}

func article(t string) string {
	switch t {
	case "integer", "array", "object":
		return "an " + t
	case "null":
		return "null"
	}
	return "a " + t
}
