package rpc

import (
	"testing"

	"github.com/konnectd/konnectd/core"
)

func TestFaceOf(t *testing.T) {
	for client, want := range map[string]string{
		"konnectd-pat": core.FaceCLI, "konnectd-stored": core.FaceCLI, "konnectd-call": core.FaceRPC,
		"vscode-konnect": core.FaceVSCode, "": core.FaceRPC, "my-script": core.FaceRPC,
	} {
		if got := faceOf(client); got != want {
			t.Errorf("faceOf(%q) = %q, want %q", client, got, want)
		}
	}
}
