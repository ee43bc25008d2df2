package token

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/konnectd/konnectd/core"
	"github.com/konnectd/konnectd/output"
)

const tokenID = "a1b2c3d4-0001-4000-8000-000000000001"

// runDelete runs a delete command line with stdin, returning stdout and
// stderr.
func runDelete(r *flowRecorder, stdin string, args ...string) (string, string, error) {
	cmd := NewDeleteCmd(flowFactory(r))
	root := &cobra.Command{Use: "konnectd", SilenceErrors: true, SilenceUsage: true}
	root.AddCommand(cmd)
	var out, errw bytes.Buffer
	root.SetIn(strings.NewReader(stdin))
	root.SetOut(&out)
	root.SetErr(&errw)
	root.SetArgs(args)
	err := root.Execute()
	return out.String(), errw.String(), err
}

// --auto-approve is one token/delete that forgets the keychain entries
// that held the token, with no question asked.
func TestDeleteAutoApprove(t *testing.T) {
	r := &flowRecorder{answer: core.Text{Text: "Deleted pat \"ci\"\n", Forgot: []string{"Forgot token:ci"}}}
	out, errw, err := runDelete(r, "", "delete", "pat", "ci", "--auto-approve", "--user-id", tokenID)
	want := []call{{"token/delete", map[string]any{"kind": "pat", "name": "ci", "userId": tokenID, "forget": true}}}
	if err != nil || !reflect.DeepEqual(r.sent, want) || len(r.conn) != 0 {
		t.Fatalf("sent %v, conn %v, err %v; want %v", r.sent, r.conn, err, want)
	}
	if out != "" || errw != "Forgot token:ci\n" {
		t.Errorf("stdout %q stderr %q", out, errw)
	}
}

// Without --auto-approve the token is looked up, the user asked, and
// anything but "yes" (here: empty stdin, and "no") deletes nothing.
func TestDeleteCancelledDeletesNothing(t *testing.T) {
	for _, stdin := range []string{"", "no\n", "yes"} {
		r := &flowRecorder{token: output.TokenInfo{ID: tokenID, Name: "ci", UserID: "u1"}}
		out, _, err := runDelete(r, stdin, "delete", "konnect", "pats", "ci")
		if err == nil || err.Error() != "delete cancelled" {
			t.Errorf("stdin %q: %v, want delete cancelled", stdin, err)
		}
		if _, ok := err.(failErr); !ok {
			t.Errorf("stdin %q: %T is not the Factory's failure (exit 1)", stdin, err)
		}
		wantSent := []call{{"open:konnectd-delete", output.KindDelete}}
		wantConn := []call{{"token/list", map[string]any{"kind": "pat", "name": "ci", "profile": "dev"}}}
		if !reflect.DeepEqual(r.sent, wantSent) || !reflect.DeepEqual(r.conn, wantConn) {
			t.Errorf("stdin %q: sent %v conn %v; want %v %v", stdin, r.sent, r.conn, wantSent, wantConn)
		}
		if want := "\nYou are about to delete personal access token \"ci\"\n\nDo you want to continue? Type 'yes' to confirm: "; out != want {
			t.Errorf("stdin %q: stdout %q, want %q", stdin, out, want)
		}
	}
}

// A "yes" deletes the token looked up, by id, with the format and the
// profile the lookup carried; then each keychain entry that held it is
// offered on stderr, read from the same stdin.
func TestDeleteConfirmedThenOffersToForget(t *testing.T) {
	r := &flowRecorder{
		token: output.TokenInfo{ID: tokenID, Name: "ci", SystemAccountID: "sa1"},
		answer: core.Text{Text: "Deleted spat \"ci\"\n", Held: []core.StoredEntry{
			{Account: "token:ci"}, {Account: "profile:ci"}}},
	}
	out, errw, err := runDelete(r, "YES\ny\n", "delete", "org", "sa", "spat", tokenID, "--system-account-name", "ci-deployer")
	if err != nil {
		t.Fatal(err)
	}
	wantConn := []call{
		{"token/list", map[string]any{"kind": "spat", "id": tokenID, "systemAccountName": "ci-deployer", "profile": "dev"}},
		{"token/delete", map[string]any{"kind": "spat", "id": tokenID, "label": "ci", "format": "the format", "profile": "dev", "systemAccountId": "sa1"}},
		{"keychain/forget", map[string]string{"account": "token:ci"}},
	}
	if !reflect.DeepEqual(r.conn, wantConn) {
		t.Errorf("conn %v\nwant %v", r.conn, wantConn)
	}
	if !strings.HasSuffix(out, "Type 'yes' to confirm: Deleted spat \"ci\"\n") {
		t.Errorf("stdout %q", out)
	}
	wantErr := "Keychain entry token:ci held this token and is now useless. Forget it? Type 'yes' to confirm: Forgot token:ci\n" +
		"Keychain entry profile:ci held this token and is now useless. Forget it? Type 'yes' to confirm: \n" +
		"Kept keychain entry profile:ci; 'konnectd forget profile:ci' removes it\n"
	if errw != wantErr {
		t.Errorf("stderr %q\nwant   %q", errw, wantErr)
	}
}

// A delete without exactly one token is a usage error before anything is
// sent or asked.
func TestDeleteUsageErrorsSendNothing(t *testing.T) {
	for args, want := range map[string]string{
		"delete pat":          "accepts 1 arg(s), received 0",
		"delete spat a b":     "accepts 1 arg(s), received 2",
		"delete k":            `command "konnectd delete konnect" requires a subcommand`,
		"delete pat ci --bad": "unknown flag: --bad",
	} {
		r := &flowRecorder{}
		out, _, err := runDelete(r, "yes\n", strings.Fields(args)...)
		if err == nil || !strings.Contains(err.Error(), want) || len(r.sent) != 0 || out != "" {
			t.Errorf("%s: %v, sent %v, stdout %q; want %q and nothing sent", args, err, r.sent, out, want)
		}
	}
}
