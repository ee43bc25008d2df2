package config

import (
	"fmt"
	"io"
	"os"

	"go.yaml.in/yaml/v3"
)

// Limits on what one config file may cost to read. A kongctl config is a
// few hundred bytes; these are far above any real one and far below what
// hurts the daemon, which serves every client from one process.
const (
	// MaxFileSize is the largest config file read. A 55 MB file once took
	// the daemon to 1.26 GB of memory; a larger one is refused unread.
	MaxFileSize = 1 << 20
	// MaxAliasNodes caps how many nodes YAML aliases may add when they are
	// expanded (each *alias counts as every node of what it names, merge
	// keys included). A ~1 KB "billion laughs" file, nine anchors of nine
	// aliases each, expands to hundreds of millions of nodes: decoding it
	// once grew the daemon to 5.2 GB. The file's own nodes are not counted
	// against this, so a large file without aliases is limited by size only.
	MaxAliasNodes = 100_000
)

// readLimited reads at most MaxFileSize bytes of a regular file. Anything
// else (a FIFO, which would block the open; a device such as /dev/zero,
// which never ends) is refused without reading.
func readLimited(path string) ([]byte, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, &ParseError{Path: path, Msg: "not a regular file"}
	}
	if fi.Size() > MaxFileSize {
		return nil, tooLarge(path)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	// The file may have grown since Stat: read one byte past the limit to
	// tell.
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxFileSize {
		return nil, tooLarge(path)
	}
	return data, nil
}

func tooLarge(path string) error {
	return &ParseError{Path: path, Msg: fmt.Sprintf("the file is larger than %d bytes (1 MiB), konnectd's limit for a config file", MaxFileSize)}
}

// checkAliases walks the parsed tree and refuses it when expanding its
// aliases would add more than MaxAliasNodes nodes, or when an alias names
// a node that contains it (which expands for ever). It runs before
// anything expands an alias (flatten, Node.Decode), and it never expands
// one itself: the expanded size of each node is computed once and reused,
// so the walk is linear in the file, however large the expansion.
func checkAliases(path string, doc *yaml.Node) error {
	c := aliasCounter{path: path, size: map[*yaml.Node]int{}, open: map[*yaml.Node]bool{}}
	_, err := c.walk(doc)
	return err
}

type aliasCounter struct {
	path  string
	size  map[*yaml.Node]int  // expanded node count of finished nodes
	open  map[*yaml.Node]bool // nodes being walked: an alias to one is a cycle
	added int                 // nodes the aliases seen so far add
}

// walk returns n's expanded size, saturated at MaxAliasNodes+1: any alias
// to a node that large is refused anyway.
func (c *aliasCounter) walk(n *yaml.Node) (int, error) {
	if n == nil {
		return 0, nil
	}
	if s, ok := c.size[n]; ok {
		return s, nil
	}
	if n.Kind == yaml.AliasNode {
		if n.Alias == nil {
			return 1, nil
		}
		if c.open[n.Alias] {
			return 0, nodeErr(c.path, n, "alias *%s refers to a node that contains it", n.Value)
		}
		s, err := c.walk(n.Alias)
		if err != nil {
			return 0, err
		}
		// The anchored node was counted where it stands; each alias to
		// it adds all of it again.
		c.added += s
		if c.added > MaxAliasNodes {
			return 0, nodeErr(c.path, n, "aliases expand to more than %d nodes, konnectd's limit for a config file", MaxAliasNodes)
		}
		return s, nil
	}
	c.open[n] = true
	total := 1
	for _, child := range n.Content {
		s, err := c.walk(child)
		if err != nil {
			return 0, err
		}
		total = min(total+s, MaxAliasNodes+1)
	}
	delete(c.open, n)
	c.size[n] = total
	return total, nil
}
