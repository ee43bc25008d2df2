package e2e

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// goldenRun is what one run of a case produced, before normalisation, and
// what the normalisation needs to know about its world.
type goldenRun struct {
	start    time.Time         // the case's start, UTC, whole seconds
	pat      string            // the emulator's admin token
	badPAT   string            // <BADPAT>
	times    map[string]string // the exact strings put for <AT…> placeholders → the placeholder
	dir      string            // <DIR>
	root     string            // <ROOT>
	emuPort  string
	prxyPort string

	cmd, stdin, stdout, stderr, requests string
}

var (
	goldenKpatRE   = regexp.MustCompile(`kpat_[A-Za-z0-9]+`)
	goldenSpatRE   = regexp.MustCompile(`spat_[A-Za-z0-9]+`)
	goldenTraceRE  = regexp.MustCompile(`kong:trace:[0-9A-Za-z]+`)
	goldenTimeRE   = regexp.MustCompile(`(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})?`)
	goldenCutRE    = regexp.MustCompile(`(\d{4})-(\d{2})-(\d{2})(?:[T ][0-9:.]*)?…`)
	goldenDurRE    = regexp.MustCompile(`duration=(?:[0-9]+(?:\.[0-9]*)?(?:ns|us|µs|μs|ms|s|m|h))+`)
	goldenUuidRE   = regexp.MustCompile(`[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}`)
	goldenShortRE  = regexp.MustCompile(`([0-9a-f][0-9a-f-]{3,34})…`)
	goldenAtRE     = regexp.MustCompile(`<AT\+(\d+)([smhd])([+-]\d{2}:\d{2})?(\.\d+)?>`)
	goldenUuidForm = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"
)

// expandAT is an <AT+N{s|m|h|d}[ZONE][.DIGITS]> placeholder written out
// for a case that started at start (README, "Placeholders").
func expandAT(ph string, start time.Time) (string, error) {
	m := goldenAtRE.FindStringSubmatch(ph)
	if m == nil || m[0] != ph {
		return "", fmt.Errorf("not an <AT…> placeholder: %q", ph)
	}
	n, _ := strconv.Atoi(m[1])
	unit := map[string]time.Duration{"s": time.Second, "m": time.Minute, "h": time.Hour, "d": 24 * time.Hour}[m[2]]
	t := start.Add(time.Duration(n) * unit)
	zone := "Z"
	if m[3] != "" {
		zone = m[3]
		sign := 1
		if m[3][0] == '-' {
			sign = -1
		}
		hh, _ := strconv.Atoi(m[3][1:3])
		mm, _ := strconv.Atoi(m[3][4:6])
		t = t.In(time.FixedZone("", sign*(hh*3600+mm*60)))
	}
	return t.Format("2006-01-02T15:04:05") + m[4] + zone, nil
}

// normalise applies the README's steps 0 to 8 to the run's files and
// returns them in the order cmd, stdin, stdout, stderr, requests.
func (r *goldenRun) normalise() [5]string {
	files := [5]string{r.cmd, r.stdin, r.stdout, r.stderr, r.requests}
	// 0. In cmd only, the tokens are written as their placeholders.
	if r.pat != "" {
		files[0] = strings.ReplaceAll(files[0], r.pat, "<PAT>")
	}
	files[0] = strings.ReplaceAll(files[0], r.badPAT, "<BADPAT>")
	for i := range files {
		s := files[i]
		// 1. The exact strings given for <AT…> placeholders.
		for given, ph := range r.times {
			s = strings.ReplaceAll(s, given, ph)
		}
		// 2, 3. Tokens and trace ids.
		s = goldenKpatRE.ReplaceAllString(s, "<KPAT>")
		s = goldenSpatRE.ReplaceAllString(s, "<SPAT>")
		s = goldenTraceRE.ReplaceAllString(s, "<TRACE>")
		// 4. Directories and ports.
		s = strings.ReplaceAll(s, r.dir, "<DIR>")
		s = strings.ReplaceAll(s, r.root, "<ROOT>")
		for _, host := range []string{"127.0.0.1:", "localhost:"} {
			s = strings.ReplaceAll(s, host+r.emuPort, host+"<EMU-PORT>")
			s = strings.ReplaceAll(s, host+r.prxyPort, host+"<PROXY-PORT>")
		}
		// 5. Times made by the run's clock.
		s = r.times5(s)
		// 6. Durations.
		s = goldenDurRE.ReplaceAllString(s, "duration=<DURATION>")
		files[i] = s
	}
	// 7. Full UUIDs, numbered across the files in order.
	ids := map[string]int{}
	var order []string
	next := 1
	for i := range files {
		files[i] = goldenUuidRE.ReplaceAllStringFunc(files[i], func(u string) string {
			k := strings.ToLower(u)
			n, ok := ids[k]
			if !ok {
				n = next
				next++
				ids[k] = n
				order = append(order, k)
			}
			return fmt.Sprintf("<ID:%d>", n)
		})
	}
	// 8. Shortened UUIDs: the lowest number of a full UUID they begin,
	// else a number of their own.
	parts := map[string]int{}
	for i := range files {
		files[i] = replaceUnpreceded(files[i], goldenShortRE, func(m []string) string {
			part := m[1]
			if !couldBeginUUID(part) {
				return m[0]
			}
			if n, ok := parts[part]; ok {
				return fmt.Sprintf("<ID:%d>…", n)
			}
			best := 0
			for _, u := range order {
				if strings.HasPrefix(u, part) && (best == 0 || ids[u] < best) {
					best = ids[u]
				}
			}
			if best == 0 {
				best = next
				next++
			}
			parts[part] = best
			return fmt.Sprintf("<ID:%d>…", best)
		}, func(c byte) bool {
			return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == '-'
		})
	}
	return files
}

// times5 is step 5: run-clock times, full and cut short by a table.
func (r *goldenRun) times5(s string) string {
	lo, hi := r.start.Add(-48*time.Hour), r.start.Add(400*24*time.Hour)
	isDigit := func(c byte) bool { return c >= '0' && c <= '9' }
	s = replaceUnpreceded(s, goldenTimeRE, func(m []string) string {
		t, ok := parseMatchedTime(m)
		if !ok || t.Before(lo) || t.After(hi) {
			return m[0]
		}
		return "<TIME>"
	}, isDigit)
	return replaceUnpreceded(s, goldenCutRE, func(m []string) string {
		d, err := time.Parse("2006-01-02", m[1]+"-"+m[2]+"-"+m[3])
		if err != nil {
			return m[0]
		}
		// The date lies in the window when some moment of it does.
		if d.Add(24*time.Hour).Before(lo) || d.After(hi) {
			return m[0]
		}
		return "<TIME>…"
	}, isDigit)
}

func parseMatchedTime(m []string) (time.Time, bool) {
	zone := m[8]
	layout := "2006-01-02T15:04:05"
	v := m[1] + "-" + m[2] + "-" + m[3] + "T" + m[4] + ":" + m[5] + ":" + m[6] + m[7]
	switch zone {
	case "":
		t, err := time.ParseInLocation(layout, v, time.UTC)
		return t, err == nil
	case "Z":
		v += "Z"
	default:
		v += zone
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	return t, err == nil
}

// replaceUnpreceded is ReplaceAllStringSubmatchFunc for a pattern with a
// negative look-behind (Go's regexp has none): a match whose preceding
// byte satisfies forbidden is kept as it is.
func replaceUnpreceded(s string, re *regexp.Regexp, f func([]string) string, forbidden func(byte) bool) string {
	var b strings.Builder
	last := 0
	for _, idx := range re.FindAllStringSubmatchIndex(s, -1) {
		if idx[0] > 0 && forbidden(s[idx[0]-1]) {
			continue
		}
		m := make([]string, len(idx)/2)
		for i := range m {
			if idx[2*i] >= 0 {
				m[i] = s[idx[2*i]:idx[2*i+1]]
			}
		}
		b.WriteString(s[last:idx[0]])
		b.WriteString(f(m))
		last = idx[1]
	}
	b.WriteString(s[last:])
	return b.String()
}

// couldBeginUUID: part is 4 or more characters that a lower-case UUID
// could begin with.
func couldBeginUUID(part string) bool {
	if len(part) < 4 || len(part) > len(goldenUuidForm) {
		return false
	}
	for i := 0; i < len(part); i++ {
		c := part[i]
		if goldenUuidForm[i] == '-' {
			if c != '-' {
				return false
			}
		} else if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}
