package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// loadResult is what one throughput measurement saw.
type loadResult struct {
	Requests int64
	Errors   int64
	Elapsed  time.Duration
}

func (r loadResult) perSecond() float64 { return float64(r.Requests) / r.Elapsed.Seconds() }

// load keeps conns keep-alive clients busy on url: first for warmup, whose
// requests are not counted, then for duration. Only 200 answers count as
// requests; anything else is an error.
func load(url string, conns int, warmup, duration time.Duration) (loadResult, error) {
	tr := &http.Transport{MaxIdleConns: conns, MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns, DisableCompression: true}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 5 * time.Second}

	var counting atomic.Bool
	var requests, errs atomic.Int64
	ctx, cancel := context.WithTimeout(context.Background(), warmup+duration)
	defer cancel()
	var wg sync.WaitGroup
	for range conns {
		wg.Go(func() {
			for ctx.Err() == nil {
				ok := get(ctx, client, url)
				switch {
				case !counting.Load() || ctx.Err() != nil:
				case ok:
					requests.Add(1)
				default:
					errs.Add(1)
				}
			}
		})
	}
	time.Sleep(warmup)
	counting.Store(true)
	began := time.Now()
	wg.Wait()
	res := loadResult{Requests: requests.Load(), Errors: errs.Load(), Elapsed: time.Since(began)}
	if res.Requests == 0 {
		return res, fmt.Errorf("no successful request to %s (%d errors)", url, res.Errors)
	}
	return res, nil
}

func get(ctx context.Context, client *http.Client, url string) bool {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return false
	}
	resp, err := client.Do(req)
	if err != nil {
		return false
	}
	// Reading the body to the end lets the connection be reused.
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return err == nil && resp.StatusCode == http.StatusOK
}
