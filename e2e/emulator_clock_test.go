package e2e

import (
	"bufio"
	"encoding/json"
	"net/http"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// startEmulatorBinary runs `konnectd emulator` with args and returns its
// base URL and admin PAT.
func startEmulatorBinary(t *testing.T, args ...string) (string, string) {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"emulator"}, args...)...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Signal(syscall.SIGTERM); cmd.Wait() })
	sc := bufio.NewScanner(out)
	vals := map[string]string{}
	for len(vals) < 2 && sc.Scan() {
		k, v, _ := strings.Cut(sc.Text(), "=")
		vals[k] = v
	}
	if vals["KONNECT_BASE_URL"] == "" || vals["KONNECT_PAT"] == "" {
		t.Fatal("the emulator did not print its URL and PAT")
	}
	return vals["KONNECT_BASE_URL"], vals["KONNECT_PAT"]
}

func emuDo(t *testing.T, method, url, token, body string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	json.NewDecoder(resp.Body).Decode(&m)
	return resp.StatusCode, m
}

// TestEmulatorClockAndGraceFlags: --clock starts the clock where asked,
// the control endpoint moves it, and --revoke-grace 0 makes a revoked PAT
// fail at once, through the binary.
func TestEmulatorClockAndGraceFlags(t *testing.T) {
	base, admin := startEmulatorBinary(t, "--clock", "2030-06-01T00:00:00Z", "--revoke-grace", "0")
	code, body := emuDo(t, "GET", base+"/_emulator/clock", admin, "")
	if code != 200 || !strings.HasPrefix(body["now"].(string), "2030-06-01T00:0") {
		t.Fatalf("clock: %d %v", code, body)
	}
	code, me := emuDo(t, "GET", base+"/v3/users/me", admin, "")
	if code != 200 {
		t.Fatalf("me: %d", code)
	}
	uid := me["id"].(string)
	code, p := emuDo(t, "POST", base+"/v3/users/"+uid+"/access-tokens", admin, `{"name":"graceless","ttl_seconds":86400}`)
	if code != 201 || !strings.HasPrefix(p["created_at"].(string), "2030-06-01") {
		t.Fatalf("create: %d %v", code, p["created_at"])
	}
	tok := p["konnect_token"].(string)
	if code, _ := emuDo(t, "PATCH", base+"/v3/users/"+uid+"/access-tokens/"+p["id"].(string)+"/revoke", admin, ""); code != 200 {
		t.Fatalf("revoke: %d", code)
	}
	if code, _ := emuDo(t, "GET", base+"/v3/users/me", tok, ""); code != 401 {
		t.Fatalf("revoked with --revoke-grace 0: %d", code)
	}
	code, body = emuDo(t, "POST", base+"/_emulator/clock", admin, `{"advance":"48h"}`)
	if now, _ := time.Parse(time.RFC3339Nano, body["now"].(string)); code != 200 || now.Before(time.Date(2030, 6, 3, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("advance: %d %v", code, body)
	}
}
