package benchdata

import (
	"bytes"
	"encoding/json"
	"testing"
)

func TestUsersDeterministicAndValid(t *testing.T) {
	a, b := Users(1<<20), Users(1<<20)
	if !bytes.Equal(a, b) {
		t.Fatal("same size gave different documents")
	}
	if len(a) < 1<<20 {
		t.Fatalf("len %d < 1 MiB", len(a))
	}
	var doc struct {
		Data []struct {
			Email  string `json:"email"`
			Active bool   `json:"active"`
		} `json:"data"`
		Meta struct {
			Page struct {
				Total int `json:"total"`
			} `json:"page"`
		} `json:"meta"`
	}
	if err := json.Unmarshal(a, &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Data) != doc.Meta.Page.Total || len(doc.Data) < 1000 {
		t.Fatalf("%d users, total %d", len(doc.Data), doc.Meta.Page.Total)
	}
	active := 0
	for _, u := range doc.Data {
		if u.Active {
			active++
		}
	}
	if active == 0 || active == len(doc.Data) {
		t.Fatalf("select(.active) would be trivial: %d of %d active", active, len(doc.Data))
	}
}
