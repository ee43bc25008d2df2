package main

import (
	"sync"

	"github.com/konnectd/konnectd/jq"
)

// jqEngine is the process's one jq engine: its compile cache is shared by
// every connection and by the client-side --jq of the CLI verbs.
var jqEngine = sync.OnceValue(func() *jq.Engine { return jq.New(jq.DefaultLimits()) })
