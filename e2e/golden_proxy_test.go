package e2e

import (
	"bufio"
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strings"
	"sync"
	"time"
)

// The golden cases were recorded through a TLS-terminating CONNECT proxy
// (the kongctl-golden README, "The world of each case"): kongctl only talks
// to https hosts under konghq.com, so the recording answered CONNECT,
// terminated TLS with a throw-away CA named by SSL_CERT_FILE, forwarded
// each request to the emulator and logged it. konnectd takes the same
// route here (HTTPS_PROXY + SSL_CERT_FILE, no base URL configured), so
// what is compared is what konnectd really put on the wire, not what it
// meant to send.

// goldenCA is a throw-away certificate authority for one test run.
type goldenCA struct {
	cert    *x509.Certificate
	key     *ecdsa.PrivateKey
	pemPath string

	mu     sync.Mutex
	leaves map[string]*tls.Certificate
}

func newGoldenCA(dir string) (*goldenCA, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "konnectd golden test CA"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	p := dir + "/ca.pem"
	if err := os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644); err != nil {
		return nil, err
	}
	return &goldenCA{cert: cert, key: key, pemPath: p, leaves: map[string]*tls.Certificate{}}, nil
}

// leaf is a certificate for host signed by the CA, made once per host.
func (ca *goldenCA) leaf(host string) (*tls.Certificate, error) {
	ca.mu.Lock()
	defer ca.mu.Unlock()
	if c, ok := ca.leaves[host]; ok {
		return c, nil
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: host},
		DNSNames:     []string{host},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		return nil, err
	}
	c := &tls.Certificate{Certificate: [][]byte{der, ca.cert.Raw}, PrivateKey: key}
	ca.leaves[host] = c
	return c, nil
}

// goldenProxy is one case's proxy: every request it forwards to the
// case's emulator is logged in the README's requests.jsonl form.
type goldenProxy struct {
	ca       *goldenCA
	emulator string // http://127.0.0.1:PORT
	ln       net.Listener
	client   *http.Client

	mu   sync.Mutex
	log  []string
	errs []string
}

func startGoldenProxy(ca *goldenCA, emulator string) (*goldenProxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &goldenProxy{ca: ca, emulator: emulator, ln: ln,
		client: &http.Client{Transport: &http.Transport{Proxy: nil, DisableCompression: true},
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	go p.accept()
	return p, nil
}

func (p *goldenProxy) addr() string { return p.ln.Addr().String() }

func (p *goldenProxy) close() { p.ln.Close() }

// requests is the log so far, one JSON line each, newline-terminated.
func (p *goldenProxy) requests() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.log) == 0 {
		return ""
	}
	return strings.Join(p.log, "\n") + "\n"
}

func (p *goldenProxy) failures() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.errs...)
}

func (p *goldenProxy) fail(format string, args ...any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.errs = append(p.errs, fmt.Sprintf(format, args...))
}

func (p *goldenProxy) accept() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		go p.serve(c)
	}
}

// serve answers one CONNECT, then reads HTTP/1.1 requests from inside the
// tunnel until the client closes it.
func (p *goldenProxy) serve(c net.Conn) {
	defer c.Close()
	br := bufio.NewReader(c)
	req, err := http.ReadRequest(br)
	if err != nil {
		return
	}
	if req.Method != http.MethodConnect {
		p.fail("proxy: %s %s without CONNECT (the client did not tunnel)", req.Method, req.URL)
		io.WriteString(c, "HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n")
		return
	}
	io.WriteString(c, "HTTP/1.1 200 Connection established\r\n\r\n")
	host, _, _ := net.SplitHostPort(req.Host)
	tc := tls.Server(&prefixConn{Conn: c, r: br}, &tls.Config{
		NextProtos: []string{"http/1.1"},
		GetCertificate: func(h *tls.ClientHelloInfo) (*tls.Certificate, error) {
			name := h.ServerName
			if name == "" {
				name = host
			}
			return p.ca.leaf(name)
		},
	})
	if err := tc.Handshake(); err != nil {
		p.fail("proxy: TLS handshake for %s: %v", req.Host, err)
		return
	}
	tr := bufio.NewReader(tc)
	for {
		in, err := http.ReadRequest(tr)
		if err != nil {
			return
		}
		if !p.forward(tc, in) {
			return
		}
	}
}

// prefixConn reads first what the bufio.Reader already buffered.
type prefixConn struct {
	net.Conn
	r *bufio.Reader
}

func (c *prefixConn) Read(b []byte) (int, error) { return c.r.Read(b) }

func (p *goldenProxy) forward(w io.Writer, in *http.Request) bool {
	body, err := io.ReadAll(in.Body)
	in.Body.Close()
	if err != nil {
		return false
	}
	rawPath, rawQuery, _ := strings.Cut(in.RequestURI, "?")
	out, err := http.NewRequest(in.Method, p.emulator+in.RequestURI, bytes.NewReader(body))
	if err != nil {
		p.fail("proxy: %v", err)
		return false
	}
	out.Header = in.Header.Clone()
	resp, err := p.client.Do(out)
	if err != nil {
		p.fail("proxy: forward %s %s: %v", in.Method, in.RequestURI, err)
		io.WriteString(w, "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
		return false
	}
	defer resp.Body.Close()
	rb, err := io.ReadAll(resp.Body)
	if err != nil {
		return false
	}
	p.mu.Lock()
	p.log = append(p.log, requestLine(in.Method, rawPath, rawQuery, body, in.Header, resp.StatusCode))
	p.mu.Unlock()
	resp.Body = io.NopCloser(bytes.NewReader(rb))
	resp.ContentLength = int64(len(rb))
	resp.TransferEncoding = nil
	resp.Header.Del("Transfer-Encoding")
	return resp.Write(w) == nil
}

// requestLine is one line of requests.jsonl: the keys in the README's
// order, the query decoded with its keys sorted, the body parsed as JSON
// with its keys sorted, in Python's json.dumps(ensure_ascii=False) form.
func requestLine(method, path, rawQuery string, body []byte, h http.Header, status int) string {
	var b strings.Builder
	b.WriteString(`{"method": `)
	pyString(&b, method)
	b.WriteString(`, "path": `)
	pyString(&b, path)
	b.WriteString(`, "query": `)
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		q = url.Values{"<undecodable query>": {rawQuery}}
	}
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	b.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			b.WriteString(", ")
		}
		pyString(&b, k)
		b.WriteString(": ")
		if vs := q[k]; len(vs) == 1 {
			pyString(&b, vs[0])
		} else {
			b.WriteByte('[')
			for j, v := range vs {
				if j > 0 {
					b.WriteString(", ")
				}
				pyString(&b, v)
			}
			b.WriteByte(']')
		}
	}
	b.WriteByte('}')
	b.WriteString(`, "body": `)
	switch {
	case len(body) == 0:
		b.WriteString("null")
	default:
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber()
		var v any
		if err := dec.Decode(&v); err != nil || dec.More() {
			pyString(&b, string(body))
		} else {
			pyValue(&b, v)
		}
	}
	b.WriteString(`, "authorization": `)
	if h.Get("Authorization") != "" {
		b.WriteString("true")
	} else {
		b.WriteString("false")
	}
	b.WriteString(`, "content_type": `)
	if ct := h.Values("Content-Type"); len(ct) > 0 {
		pyString(&b, ct[0])
	} else {
		b.WriteString("null")
	}
	fmt.Fprintf(&b, `, "status": %d}`, status)
	return b.String()
}

// pyValue writes v as Python's json.dumps with ", " and ": " separators
// and sorted keys would.
func pyValue(b *strings.Builder, v any) {
	switch v := v.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		if v {
			b.WriteString("true")
		} else {
			b.WriteString("false")
		}
	case json.Number:
		b.WriteString(v.String())
	case string:
		pyString(b, v)
	case []any:
		b.WriteByte('[')
		for i, x := range v {
			if i > 0 {
				b.WriteString(", ")
			}
			pyValue(b, x)
		}
		b.WriteByte(']')
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				b.WriteString(", ")
			}
			pyString(b, k)
			b.WriteString(": ")
			pyValue(b, v[k])
		}
		b.WriteByte('}')
	}
}

// pyString is a JSON string as Python writes it with ensure_ascii=False:
// only ", \ and control characters are escaped (Go's encoder would also
// escape <, >, & and U+2028/9).
func pyString(b *strings.Builder, s string) {
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		default:
			if r < 0x20 {
				fmt.Fprintf(b, `\u%04x`, r)
			} else {
				b.WriteRune(r)
			}
		}
	}
	b.WriteByte('"')
}
