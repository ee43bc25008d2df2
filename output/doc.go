// Package output prints konnectd's results exactly as kongctl prints them:
// json, yaml, text, token and env, with kongctl's --jq and -r rules.
//
// It owns: the option rules and their messages (checked up front, before
// anything irreversible such as creating a token; kongctl only checks them
// after the token exists), the record types whose JSON field order is
// kongctl's, the text forms ("Created pat …", "Deleted pat …", tables), the
// env export line, and the jq step on output.
//
// It refuses: colour (kongctl's --jq-color needs a terminal; konnectd's
// clients render their own), kongctl's wide/auto text layouts and --columns,
// and any network or config access. Callers resolve the profile, the output
// format from config and jq.default-expression, and pass them in Options.
//
// Printers follow kongctl's, which come from github.com/segmentio/cli:
// json is encoding/json's Encoder with two-space indent and its default HTML
// escaping ("<" prints as \u003c); yaml is the JSON form re-read by YAML v3
// and written by its Encoder (keys sorted, four-space indent, timestamps
// quoted); text tables follow kongctl's static table (two spaces between
// columns, cells cut at 40 columns with "…", the table fitted to 120
// columns, UUIDs in ID columns shortened to four characters and "…").
package output
