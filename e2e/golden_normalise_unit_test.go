package e2e

import (
	"testing"
	"time"
)

// The normaliser itself, on the README's own examples, so a golden
// mismatch is konnectd's and not the comparison's.
func TestGoldenNormaliseExamples(t *testing.T) {
	start := time.Date(2026, 12, 1, 19, 54, 38, 0, time.UTC)
	for ph, want := range map[string]string{
		"<AT+30d+02:00.123456>": "2026-12-31T21:54:38.123456+02:00",
		"<AT+2h>":               "2026-12-01T21:54:38Z",
	} {
		if got, err := expandAT(ph, start); err != nil || got != want {
			t.Errorf("expandAT(%s) = %q, %v; want %q", ph, got, err, want)
		}
	}
	r := &goldenRun{start: start, badPAT: goldenBadPAT, times: map[string]string{"2026-12-31T21:54:38.123456+02:00": "<AT+30d+02:00.123456>"},
		dir: "/r/001", root: "/r", emuPort: "4100", prxyPort: "4200",
		cmd:      "kongctl\nget\n",
		stdout:   "ID\n500d…\n7f9f…\nabcd-x…\n" + "500d74f4-37e1-4f59-b51a-8cf7c7903692 2026-12-02T00:00:00Z 2022-05-10T15:10:25Z 2026-12-05 1…\n",
		stderr:   "at /r/001/x and /r/y, 127.0.0.1:4100 localhost:4200 duration=1m2.5s kpat_abc spat_XYZ kong:trace:99 2026-12-31T21:54:38.123456+02:00\n",
		requests: `{"path": "/v3/users/7f9fd312-0000-4000-8000-000000000001"}` + "\n",
	}
	got := r.normalise()
	if want := "ID\n<ID:1>…\n<ID:2>…\nabcd-x…\n<ID:1> <TIME> 2022-05-10T15:10:25Z <TIME>…\n"; got[2] != want {
		t.Errorf("stdout:\n got %q\nwant %q", got[2], want)
	}
	if want := "at <DIR>/x and <ROOT>/y, 127.0.0.1:<EMU-PORT> localhost:<PROXY-PORT> duration=<DURATION> <KPAT> <SPAT> <TRACE> <AT+30d+02:00.123456>\n"; got[3] != want {
		t.Errorf("stderr:\n got %q\nwant %q", got[3], want)
	}
	if want := `{"path": "/v3/users/<ID:2>"}` + "\n"; got[4] != want {
		t.Errorf("requests:\n got %q\nwant %q", got[4], want)
	}
}
