package konnect_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"github.com/konnectd/konnectd/konnect"
	"github.com/konnectd/konnectd/konnect/emulator"
)

// The examples of Konnect's filtering doc (Kong/docs.konghq.com,
// app/konnect/api/filtering.md) on its own three users, each in the query
// form and the JSON form. The doc's multi-filter example is written
// inconsistently (its query names filter[name][contains]=Cruz with
// full_name=Alex%Cruz); the brief's reading, full_name contains Cruz and
// name = Alex, gives the doc's documented answer, Alex Cruz.
func TestFilteringDocExamples(t *testing.T) {
	r := newRig(t, emulator.Options{}, konnect.Options{})
	for _, tc := range []struct {
		query, json string
		want        []string
	}{
		{"filter[name][contains]=Charlie", `{"name":{"contains":"Charlie"}}`, []string{"Charlie Cruz"}},
		{"filter[full_name]=Charlie%20Cruz", `{"full_name":"Charlie Cruz"}`, []string{"Charlie Cruz"}},
		{"filter[full_name][contains]=Cruz&filter[name]=Alex", `{"full_name":{"contains":"Cruz"},"name":"Alex"}`, []string{"Alex Cruz"}},
		{"filter[updated_at]&filter[full_name][contains]=Cruz", `{"updated_at":{"exists":true},"full_name":{"contains":"Cruz"}}`, []string{"Alex Cruz"}},
		{"filter[updated_at]", `{"updated_at":{"exists":true}}`, []string{"Alex Cruz", "Alex Garcia"}},
	} {
		t.Run(tc.query, func(t *testing.T) {
			fq, fj := mustFilter(t, tc.query), mustFilter(t, tc.json)
			if !reflect.DeepEqual(fq, fj) {
				t.Fatalf("the two forms differ: %v vs %v", fq, fj)
			}
			page, err := r.client.ListUsers(context.Background(), konnect.ListOptions{Filter: fq})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, u := range page.Items {
				got = append(got, u.FullName)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
	r.clean(t)
}

// TestFilterSameAnswerEitherWay runs filters on a generated organization
// twice: through the client, which pushes down what the spec allows, and
// by fetching everything unfiltered and evaluating locally. The answers
// must be the same, and every operator must work on every field.
func TestFilterSameAnswerEitherWay(t *testing.T) {
	r := newRig(t, emulator.Options{Users: 250}, konnect.Options{})
	ctx := context.Background()
	all, err := r.client.ListUsers(ctx, konnect.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(all.Items) != 250 {
		t.Fatalf("listed %d users, want 250", len(all.Items))
	}
	filters := []string{
		"filter[full_name][contains]=Cruz",
		"filter[email][eq]=user00042@example.com",
		"filter[active]=false",
		"filter[active]=true&filter[full_name][contains]=Garcia",
		"filter[id]=" + emulator.AlexGarciaID,
		"filter[name][contains]=User001",
		"filter[inferred_region][eq]=eu&filter[full_name][contains]=Tanaka",
		"filter[updated_at][gte]=2023-06-01T00:00:00Z",
		"filter[updated_at][lt]=2023-03-01",
		"filter[created_at][lte]=2022-05-10T15:10:25Z",
		"filter[updated_at][gt]=2023-10-15T00:00:00Z&filter[full_name][contains]=Silva",
		"filter[updated_at][exists]=false",
		"filter[email][contains]=konghq&filter[email][contains]=Alex",
		"filter[full_name][lt]=B",
		`{"full_name":{"contains":"Nguyen","gte":"User00100"},"active":true}`,
	}
	for _, fs := range filters {
		t.Run(fs, func(t *testing.T) {
			f := mustFilter(t, fs)
			pushed, err := r.client.ListUsers(ctx, konnect.ListOptions{Filter: f, PageSize: 37})
			if err != nil {
				t.Fatal(err)
			}
			var want, got []string
			for _, u := range all.Items {
				if f.Match(u.Raw) {
					want = append(want, u.ID)
				}
			}
			for _, u := range pushed.Items {
				got = append(got, u.ID)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("pushed down (%v, local %v): %d users; evaluated locally: %d", pushed.Pushed, pushed.Local, len(got), len(want))
			}
			if len(want) == 0 && fs != "filter[updated_at][exists]=false" {
				t.Errorf("filter matches nothing, so it proves nothing")
			}
		})
	}
	r.clean(t)
}

func TestParseFilterRejects(t *testing.T) {
	for _, s := range []string{
		"filter[name][like]=x",
		"name=x",
		`{"name":{"regex":"x"}}`,
		`{"name":["x"]}`,
		"filter[updated_at][exists]=maybe",
		`{"name":`,
	} {
		if f, err := konnect.ParseFilter(s); err == nil {
			t.Errorf("ParseFilter(%q) = %v, want an error", s, f)
		}
	}
	f := mustFilter(t, `{"retention":{"gt":5}}`)
	if !f.Match([]byte(`{"retention":10}`)) || f.Match([]byte(`{"retention":4}`)) {
		t.Error("numbers must compare as numbers")
	}
	if mustFilter(t, `{"n":{"gt":"9"}}`).Match([]byte(`{"n":10}`)) != true {
		t.Error("10 > 9 as numbers, not as text")
	}
	if mustFilter(t, "filter[t][lt]=2022-05-10T17:00:00%2B02:00").Match([]byte(`{"t":"2022-05-10T15:10:25Z"}`)) {
		t.Error("timestamps must compare as instants: 15:10Z is after 17:00+02:00")
	}
	if s := fmt.Sprint(mustFilter(t, "filter[a]=1")); s != "filter%5Ba%5D%5Beq%5D=1" {
		t.Errorf("String() = %s", s)
	}
}

// TestUnseenFields: a locally evaluated condition on a field that no
// candidate has (a typo, as Konnect would have refused it) is reported,
// while a field that is there, with a null value or in a nested object,
// or an exists condition, is not.
func TestUnseenFields(t *testing.T) {
	r := newRig(t, emulator.Options{}, konnect.Options{})
	for _, tc := range []struct {
		filter string
		unseen []string
	}{
		{"filter[emial][contains]=x", []string{"emial"}},
		{"filter[full_name][contains]=Cruz&filter[nmae]=Alex&filter[nmae][contains]=A", []string{"nmae"}},
		{"filter[name]=Nobody", nil},             // a field that is there, matching nothing
		{"filter[email][gt]=A", nil},             // pushed down or not, a real field
		{`filter[nope]`, nil},                    // exists: absence is the answer asked for
		{"filter[full_name][contains]=Zed", nil}, // pushed down: Konnect answered nothing
	} {
		t.Run(tc.filter, func(t *testing.T) {
			page, err := r.client.ListUsers(context.Background(), konnect.ListOptions{Filter: mustFilter(t, tc.filter)})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(page.Unseen, tc.unseen) {
				t.Errorf("unseen = %q, want %q", page.Unseen, tc.unseen)
			}
		})
	}
	// A team's labels are a nested object: labels.env is a field.
	page, err := r.client.ListTeams(context.Background(), konnect.ListOptions{Filter: mustFilter(t, "filter[labels.env][lt]=a")})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Unseen) != 0 {
		t.Errorf("labels.env reported unseen: %q", page.Unseen)
	}
	r.clean(t)
}
