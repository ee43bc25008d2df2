package konnect

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// TestDataItemsAgreesWithEncodingJSON: wherever dataItems answers, it
// answers what encoding/json does; where they could differ it declines.
func TestDataItemsAgreesWithEncodingJSON(t *testing.T) {
	agree := []string{
		`{"meta":{"page":{"number":1,"size":2,"total":2}},"data":[{"id":"a"},{"id":"b"}]}`,
		" {\n \"data\" : [ {\"id\" : \"a\", \"x\": [1, {\"y\": \"]}\"}]} ,\t\"s\\\"]\" , 12.5e3 , true , null , [] , {} ] , \"meta\" : {} }\n",
		`{"data":[]}`,
		`{"data":null}`,
		`{"meta":{"total":0}}`,
		`{"data":["\\", "\\\"", "é\u2028", "{[", -0.5]}`,
		`{"DATA":[1]}`,
		`{"meta":{"data":[9]},"data":[1],"x":{"data":[8]}}`,
		`{"x":"data","data":[{"data":[7]}]}`,
		`{}`,
	}
	for _, body := range agree {
		var want struct {
			Data []json.RawMessage `json:"data"`
		}
		if err := json.Unmarshal([]byte(body), &want); err != nil {
			t.Fatalf("%s: %v", body, err)
		}
		got, ok := dataItems([]byte(body))
		if !ok || !reflect.DeepEqual(got, want.Data) {
			t.Errorf("%s:\n dataItems %q, %v\n json      %q", body, got, ok, want.Data)
		}
		for _, it := range got {
			if cap(it) != len(it) {
				t.Errorf("%s: item %s has spare capacity: an append would write into the page", body, it)
			}
		}
	}
	decline := []string{
		`{"data":[1],"Data":[2]}`, // encoding/json keeps the last
		`{"d\u0061ta":[1]}`,       // an escaped key
		`{"data":{"a":1}}`,        // not an array
		`[{"data":[1]}]`,          // not an object
		`{"data":[1,2]`,           // not JSON at all
		`{"data":[{"a":"b}]}`,     // nor this
	}
	for _, body := range decline {
		if got, ok := dataItems([]byte(body)); ok {
			t.Errorf("%s: dataItems answered %q", body, got)
		}
	}
}

// TestDecodePageFallsBack: a page whose items do not all decode is kept
// raw, so only an item that is actually returned can fail the listing.
func TestDecodePageFallsBack(t *testing.T) {
	body := `{"meta":{"page":{"number":1,"size":100,"total":2}},"data":[{"id":"a","active":"yes"},{"id":"b","active":true}]}`
	p, err := decodePage[User]([]byte(body))
	if err != nil || p.items != nil || len(p.Data) != 2 || p.Meta.Page.Total != 2 {
		t.Fatalf("page with an undecodable item: %+v, %v", p, err)
	}
	p, err = decodePage[User]([]byte(strings.Replace(body, `"yes"`, `false`, 1)))
	if err != nil || len(p.items.([]User)) != 2 || string(p.Data[1]) != `{"id":"b","active":true}` {
		t.Fatalf("decodable page: %+v, %v", p, err)
	}
	if _, err := decodePage[User]([]byte(`{"data":[`)); err == nil {
		t.Error("a truncated page decoded")
	}
}
