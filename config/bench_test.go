package config

import (
	"context"
	"fmt"
	"os"
	"slices"
	"testing"
	"time"
)

// BenchmarkSaveToNotification measures, in process, the time from a save
// (rename over the file, as editors do) to the subscriber's callback. The
// goal is p50 ≤ 200 ms with the default 100 ms debounce. Run with
// -benchtime=50x or so: each save waits for its own notification.
func BenchmarkSaveToNotification(b *testing.B) {
	loc := newConfig(b, "start: {}\n")
	w, err := Watch(context.Background(), loc, WatchOptions{})
	if err != nil {
		b.Fatal(err)
	}
	defer w.Close()
	got := make(chan time.Time, 1)
	defer w.Subscribe(func(Change) {
		select {
		case got <- time.Now():
		default:
		}
	})()
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		data := fmt.Sprintf("bench%d: {}\n", i)
		tmp := loc.Path + ".tmp"
		writeFile(b, tmp, data)
		start := time.Now()
		if err := os.Rename(tmp, loc.Path); err != nil {
			b.Fatal(err)
		}
		select {
		case at := <-got:
			lat = append(lat, at.Sub(start))
		case <-time.After(10 * time.Second):
			b.Fatal("no notification within 10 s")
		}
	}
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
}
