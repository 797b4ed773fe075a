package consent

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/garde-privacy/garde/internal/audit"
	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/testutil/dbtest"
)

// crashChildEnv makes the test binary a consent server on the database
// URL it holds, instead of running tests (see TestMain).
const crashChildEnv = "GARDE_CONSENT_CRASH_CHILD"

// serveCrashChild runs the public endpoint on the database until killed,
// printing its address first.
func serveCrashChild(url string) {
	ctx := context.Background()
	d, err := db.Open(ctx, url, os.TempDir())
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	svc := NewService(Deps{DB: d, Audit: audit.New(d)})
	mux := http.NewServeMux()
	NewPublic(svc, PublicOptions{Catalog: i18n.MustLoad(), EventsPerWindow: 1 << 30}).Register(mux)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	fmt.Println(ln.Addr().String())
	http.Serve(ln, mux)
}

// startChild starts the server process and returns it with its address.
func startChild(t *testing.T, url string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), crashChildEnv+"="+url)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	addr, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("child did not start: %v", err)
	}
	return cmd, strings.TrimSpace(addr)
}

// TestAcknowledgedEventsSurviveKill: clients post choices while the server
// process is killed with SIGKILL; every choice it acknowledged is in the
// ledger afterwards, and a restarted server carries on.
func TestAcknowledgedEventsSurviveKill(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, fresh *db.DB) {
		// A database of the same engine that the server process opens.
		url := dbtest.URL(t, fresh.Dialect)
		d, err := db.Open(t.Context(), url, t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := d.Migrate(t.Context()); err != nil {
			t.Fatal(err)
		}
		svc := NewService(Deps{DB: d, Audit: audit.New(d)})
		site, err := svc.CreateSite(t.Context(), "token:t", SiteInput{Name: "Shop", Origins: []string{"https://shop.example"}, NoticeVersion: "1"})
		if err != nil {
			t.Fatal(err)
		}
		d.Close()

		cmd, addr := startChild(t, url)
		endpoint := "http://" + addr + strings.Replace(EventsPath, "{site}", site.ID, 1)
		var mu sync.Mutex
		acked := map[string]string{} // event ID → device
		var wg sync.WaitGroup
		stop := make(chan struct{})
		client := &http.Client{Timeout: 5 * time.Second}
		for w := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; ; i++ {
					select {
					case <-stop:
						return
					default:
					}
					dev := fmt.Sprintf("w%d-%d", w, i)
					resp, err := client.Post(endpoint, "text/plain", strings.NewReader(
						`{"device_id":"`+dev+`","granted":["analytics"],"method":"express","source":"banner"}`))
					if err != nil {
						continue
					}
					var id string
					if resp.StatusCode == http.StatusCreated {
						var body struct{ ID string }
						if decodeJSON(resp, &body) == nil {
							id = body.ID
						}
					}
					resp.Body.Close()
					if id != "" {
						mu.Lock()
						acked[id] = dev
						mu.Unlock()
					}
				}
			}()
		}
		// Kill once the load is well under way.
		for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(10 * time.Millisecond) {
			mu.Lock()
			n := len(acked)
			mu.Unlock()
			if n >= 200 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("only %d events acknowledged before the kill", n)
			}
		}
		if err := cmd.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		cmd.Wait()
		time.Sleep(200 * time.Millisecond)
		close(stop)
		wg.Wait()

		d, err = db.Open(t.Context(), url, t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		defer d.Close()
		check := NewService(Deps{DB: d, Audit: audit.New(d)})
		missing := 0
		for id, dev := range acked {
			e, err := check.Event(t.Context(), id)
			if err != nil || e.DeviceID != dev {
				missing++
			}
		}
		if missing > 0 {
			t.Fatalf("%d of %d acknowledged events lost", missing, len(acked))
		}
		t.Logf("%d acknowledged events, all present after SIGKILL", len(acked))

		// Restarted, the server records again.
		_, addr = startChild(t, url)
		resp, err := client.Post("http://"+addr+strings.Replace(EventsPath, "{site}", site.ID, 1), "text/plain",
			strings.NewReader(`{"device_id":"after","refused":["analytics"],"method":"express","source":"banner"}`))
		if err != nil || resp.StatusCode != http.StatusCreated {
			t.Fatalf("after restart: %v %v", resp, err)
		}
		resp.Body.Close()
		if st, _ := check.Check(t.Context(), Holder{DeviceID: "after"}, "analytics"); st.Decision != Refused {
			t.Fatalf("after restart: %+v", st)
		}
	})
}
