package e2e

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// regionProxy lets the daemon reach Konnect's real host names, global and
// regional, while every request lands in the emulator: it is the HTTPS
// proxy (HTTPS_PROXY) the daemon's standard transport tunnels through,
// and it ends the tunnel's TLS with a certificate for *.api.konghq.com
// from a CA the daemon is told to trust (SSL_CERT_FILE). This is the
// recipe kongctl's own docs give for pointing it at a local server; the
// emulator then sees each request's Host as the client addressed it.
type regionProxy struct {
	addr   string
	caFile string
}

func startRegionProxy(t *testing.T, h http.Handler) *regionProxy {
	t.Helper()
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ca := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "konnectd e2e CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	caDER, err := x509.CreateCertificate(rand.Reader, ca, ca, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	leafKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	leaf := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "*.api.konghq.com"},
		DNSNames: []string{"*.api.konghq.com", "*.api.konghq.tech"}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	caCert, _ := x509.ParseCertificate(caDER)
	leafDER, err := x509.CreateCertificate(rand.Reader, leaf, caCert, &leafKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	tlsConf := &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{leafDER}, PrivateKey: leafKey}}}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	inner := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	var wg sync.WaitGroup
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				tunnel(c, tlsConf, inner)
			}()
		}
	}()
	t.Cleanup(func() { ln.Close(); inner.Close() })
	return &regionProxy{addr: ln.Addr().String(), caFile: caFile}
}

// env is what the daemon needs to go through the proxy and trust it.
func (p *regionProxy) env() []string {
	u := "http://" + p.addr
	return []string{"HTTPS_PROXY=" + u, "https_proxy=" + u, "NO_PROXY=", "no_proxy=", "SSL_CERT_FILE=" + p.caFile}
}

// tunnel answers one CONNECT and serves HTTP over TLS inside it.
func tunnel(c net.Conn, conf *tls.Config, srv *http.Server) {
	c.SetDeadline(time.Now().Add(60 * time.Second))
	br := bufio.NewReader(c)
	req, err := http.ReadRequest(br)
	if err != nil || req.Method != http.MethodConnect {
		c.Write([]byte("HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n"))
		c.Close()
		return
	}
	c.Write([]byte("HTTP/1.1 200 Connection Established\r\n\r\n"))
	c.SetDeadline(time.Time{})
	srv.Serve(&oneConn{c: tls.Server(c, conf), done: make(chan struct{})})
}

// oneConn is a listener that yields one connection and ends when it closes.
type oneConn struct {
	c    net.Conn
	done chan struct{}
	mu   sync.Mutex
	used bool
	once sync.Once
}

func (l *oneConn) Accept() (net.Conn, error) {
	l.mu.Lock()
	used := l.used
	l.used = true
	l.mu.Unlock()
	if !used {
		return &closeNotify{Conn: l.c, l: l}, nil
	}
	<-l.done
	return nil, net.ErrClosed
}

func (l *oneConn) Close() error   { l.once.Do(func() { close(l.done) }); return nil }
func (l *oneConn) Addr() net.Addr { return l.c.LocalAddr() }

type closeNotify struct {
	net.Conn
	l *oneConn
}

func (c *closeNotify) Close() error { c.l.Close(); return c.Conn.Close() }
