// Package benchdata generates the deterministic JSON document that the jq
// benchmarks and `make bench` (against the jq binary) both use, so the two
// measure the same bytes. It is a Konnect-like page of users.
package benchdata

import (
	"fmt"
	"strings"
)

// Expression is the typical filter the benchmarks run.
const Expression = `[.data[] | select(.active) | .email]`

// Users returns a JSON object {"data":[…users…],"meta":{…}} of at least size
// bytes. The same size always gives the same bytes.
func Users(size int) []byte {
	var b strings.Builder
	b.Grow(size + 512)
	b.WriteString(`{"data":[`)
	n := 0
	for b.Len() < size {
		if n > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b,
			`{"id":"%08x-4d02-46c2-a007-%012x","email":"user%d@example.com","full_name":"User Number %d",`+
				`"preferred_name":"u%d","active":%t,"inferred_region":"%s","created_at":"2026-01-%02dT10:00:00Z",`+
				`"updated_at":"2026-02-%02dT11:30:00Z","teams":[%d,%d]}`,
			n, n*7919, n, n, n, n%3 != 0, [...]string{"us", "eu", "au", "me", "in"}[n%5], n%28+1, n%28+1, n%10, n%13)
		n++
	}
	fmt.Fprintf(&b, `],"meta":{"page":{"number":1,"size":%d,"total":%d}}}`, n, n)
	return []byte(b.String())
}
