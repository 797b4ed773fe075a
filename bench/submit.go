package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// submitPath is the public request form, on Garde and on the reference.
const submitPath = "/privacy/request"

// submitResult is what one run of submitters saw. Latencies are of the
// form posts only, in milliseconds; the one page load per client address
// is not timed, but its failures count as errors.
type submitResult struct {
	Accepted    int64         `json:"accepted"`
	RateLimited int64         `json:"rate_limited"`
	Errors      int64         `json:"errors"`
	Addresses   int64         `json:"client_addresses"`
	Elapsed     time.Duration `json:"elapsed_ns"`
	// AcceptedMs are the latencies of accepted submissions; LimitedMs of
	// the 429 answers.
	AcceptedMs []float64 `json:"-"`
	LimitedMs  []float64 `json:"-"`
	// FirstErrors describes a few errors, for a person to look into.
	FirstErrors []string `json:"first_errors,omitempty"`
}

func (r submitResult) acceptedPerSecond() float64 { return float64(r.Accepted) / r.Elapsed.Seconds() }

// sourceAddrs hands out loopback addresses, one per simulated client:
// Linux routes the whole of 127.0.0.0/8 to the loopback interface, so a
// connection from 127.10.0.1 to a server on 127.0.0.1 works, and the
// server sees a different client for each address.
type sourceAddrs struct{ n atomic.Int64 }

func (s *sourceAddrs) next() net.IP {
	n := s.n.Add(1) - 1
	return net.IPv4(127, byte(10+n/(254*254)%240), byte(1+n/254%254), byte(1+n%254))
}

// submitLoad runs submitters concurrent clients against base for duration.
// Each client loads the form once, then posts valid requests one after
// the other, each with its own email address. Garde accepts a few
// requests per client address in ten minutes; a client answered 429 moves
// on to a fresh address and a fresh connection, as the next person would,
// so the load on the write path lasts the whole run. Answers 2xx and 3xx
// are accepted, 429 rate-limited, anything else (or no answer) an error.
func submitLoad(base string, submitters int, duration time.Duration) (submitResult, error) {
	var (
		addrs                         sourceAddrs
		accepted, limited, errs, seen atomic.Int64
		mu                            sync.Mutex
		res                           submitResult
	)
	fail := func(format string, a ...any) {
		errs.Add(1)
		mu.Lock()
		if len(res.FirstErrors) < 5 {
			res.FirstErrors = append(res.FirstErrors, fmt.Sprintf(format, a...))
		}
		mu.Unlock()
	}
	began := time.Now()
	end := began.Add(duration)
	var wg sync.WaitGroup
	for i := range submitters {
		wg.Go(func() {
			var okMs, limitMs []float64
			defer func() {
				mu.Lock()
				res.AcceptedMs = append(res.AcceptedMs, okMs...)
				res.LimitedMs = append(res.LimitedMs, limitMs...)
				mu.Unlock()
			}()
			for n := 0; time.Now().Before(end); {
				client, closeClient := clientFrom(addrs.next())
				seen.Add(1)
				if err := loadForm(client, base); err != nil {
					fail("%v", err)
					closeClient()
					continue
				}
				for time.Now().Before(end) {
					n++
					status, d, err := postRequest(client, base, fmt.Sprintf("s%d-%d@bench.example", i, n))
					ms := float64(d.Microseconds()) / 1000
					if err != nil {
						fail("%v", err)
						continue
					}
					if status == http.StatusTooManyRequests {
						limited.Add(1)
						limitMs = append(limitMs, ms)
						break
					}
					if status >= 200 && status < 400 {
						accepted.Add(1)
						okMs = append(okMs, ms)
						continue
					}
					fail("POST %s: status %d", submitPath, status)
				}
				closeClient()
			}
		})
	}
	wg.Wait()
	res.Accepted, res.RateLimited, res.Errors, res.Addresses = accepted.Load(), limited.Load(), errs.Load(), seen.Load()
	res.Elapsed = time.Since(began)
	if res.Accepted == 0 {
		return res, fmt.Errorf("no submission accepted by %s (%d rate-limited, %d errors: %s)", base, res.RateLimited, res.Errors, strings.Join(res.FirstErrors, "; "))
	}
	return res, nil
}

// clientFrom is an HTTP client whose connections leave from ip.
func clientFrom(ip net.IP) (*http.Client, func()) {
	dialer := &net.Dialer{LocalAddr: &net.TCPAddr{IP: ip}, Timeout: 10 * time.Second}
	tr := &http.Transport{DialContext: dialer.DialContext, MaxIdleConnsPerHost: 1, DisableCompression: true}
	c := &http.Client{
		Transport: tr,
		Timeout:   60 * time.Second,
		// The answer to a post is what is measured, not where it leads.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return c, tr.CloseIdleConnections
}

func loadForm(c *http.Client, base string) error {
	resp, err := c.Get(base + submitPath)
	if err != nil {
		return err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if err == nil && resp.StatusCode != http.StatusOK {
		err = fmt.Errorf("GET %s: status %d", submitPath, resp.StatusCode)
	}
	return err
}

// postRequest posts one valid request, as the form does without
// JavaScript. A program sends neither Origin nor Sec-Fetch-Site, which
// cross-origin protection lets through as it does any non-browser client.
func postRequest(c *http.Client, base, email string) (int, time.Duration, error) {
	form := url.Values{
		"email":       {email},
		"name":        {"Camille Martin"},
		"phone":       {""},
		"region":      {"FR"},
		"subject":     {"Copie de mes données"},
		"type":        {"access"},
		"description": {"Je souhaite une copie de toutes les données que vous avez sur moi.\nMerci."},
		"account_id":  {""},
	}
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, base+submitPath, strings.NewReader(form.Encode()))
	if err != nil {
		return 0, 0, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept-Language", "fr")
	t0 := time.Now()
	resp, err := c.Do(req)
	if err != nil {
		return 0, time.Since(t0), err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, time.Since(t0), err
}

// percentile is the nearest-rank percentile p (0–100) of xs, NaN when
// there are none.
func percentile(xs []float64, p float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	k := int(math.Ceil(p/100*float64(len(s)))) - 1
	return s[min(max(k, 0), len(s)-1)]
}
