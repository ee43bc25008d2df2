package emulator

import (
	"crypto/rand"
	"fmt"
	"math/big"
)

const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// secret returns prefix followed by n alphanumerics from crypto/rand, the
// shape of the spec's examples (kpat_ + 49, spat_ + 50).
func secret(prefix string, n int) string {
	b := make([]byte, n)
	max := big.NewInt(int64(len(alnum)))
	for i := range b {
		k, err := rand.Int(rand.Reader, max)
		if err != nil {
			panic("emulator: crypto/rand failed: " + err.Error())
		}
		b[i] = alnum[k.Int64()]
	}
	return prefix + string(b)
}

func newPATSecret() string  { return secret("kpat_", 49) }
func newSPATSecret() string { return secret("spat_", 50) }

// newID returns a random version 4 UUID.
func newID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("emulator: crypto/rand failed: " + err.Error())
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// seqID is a stable UUID-shaped id for generated data, so a large
// organization comes out the same on every run.
func seqID(kind byte, n int) string {
	return fmt.Sprintf("%08x-0000-4000-8%03x-%012x", n, kind, n)
}
