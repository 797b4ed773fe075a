package run_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/spf13/pflag"

	"github.com/garde-privacy/garde/internal/app"
	"github.com/garde-privacy/garde/internal/audit"
	"github.com/garde-privacy/garde/internal/config"
	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/fulfil"
	"github.com/garde-privacy/garde/internal/fulfil/connect"
	"github.com/garde-privacy/garde/internal/fulfil/dataset"
	"github.com/garde-privacy/garde/internal/fulfil/erase"
	"github.com/garde-privacy/garde/internal/fulfil/plan"
	"github.com/garde-privacy/garde/internal/fulfil/run"
	"github.com/garde-privacy/garde/internal/fulfil/shoptest"
	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/operator"
	"github.com/garde-privacy/garde/internal/requests"
	"github.com/garde-privacy/garde/internal/secrets"
	"github.com/garde-privacy/garde/internal/testutil/dbtest"
)

// crashOthers is how many other customers the crash shop holds, and
// crashRows how many addresses, orders, order lines and tickets Alice has:
// enough for her erasure to take seconds (PostgreSQL answers each change
// over the network, so fewer rows take as long).
const crashOthers = 2000

func crashRows(dialect db.Dialect) int {
	if dialect == db.Postgres {
		return 10000
	}
	return 40000
}

// crashDataset is the shop's dataset with only deterministic strategies
// (the phone is hashed instead of randomized), so two erasures of the same
// person give the same tables.
var crashDataset = strings.Replace(shoptest.Dataset, "random_string_rewrite", "hash", 1)

var crashSchema = []string{
	`CREATE TABLE customers (id BIGINT PRIMARY KEY, email TEXT, first_name TEXT, last_name TEXT, phone TEXT, created_at TEXT NOT NULL)`,
	`CREATE TABLE addresses (id BIGINT PRIMARY KEY, customer_id BIGINT NOT NULL REFERENCES customers(id), street TEXT, city TEXT, postal_code TEXT)`,
	`CREATE TABLE orders (id BIGINT PRIMARY KEY, customer_id BIGINT NOT NULL REFERENCES customers(id), placed_at TEXT NOT NULL, total_cents BIGINT NOT NULL)`,
	`CREATE TABLE order_lines (id BIGINT PRIMARY KEY, order_id BIGINT NOT NULL REFERENCES orders(id), product TEXT NOT NULL, quantity BIGINT NOT NULL)`,
	`CREATE TABLE tickets (id BIGINT PRIMARY KEY, customer_id BIGINT REFERENCES customers(id), email TEXT, subject TEXT, body TEXT)`,
	`CREATE INDEX customers_email ON customers(email)`,
	`CREATE INDEX addresses_customer ON addresses(customer_id)`,
	`CREATE INDEX orders_customer ON orders(customer_id)`,
	`CREATE INDEX order_lines_order ON order_lines(order_id)`,
	`CREATE INDEX tickets_email ON tickets(email)`,
	`CREATE INDEX tickets_customer ON tickets(customer_id)`,
}

var crashTables = []string{"customers", "addresses", "orders", "order_lines", "tickets"}

// createCrashShop builds the shop in a new database of the dialect, the
// same rows every time, and returns its URL.
func createCrashShop(t *testing.T, dialect db.Dialect) string {
	t.Helper()
	url := dbtest.URL(t, db.Postgres)
	pg := true
	if dialect == db.SQLite {
		// The default rollback journal: its file shows a write in progress.
		url, pg = "sqlite://"+filepath.Join(t.TempDir(), "shop.db"), false
	}
	raw := shoptest.Open(t, url)
	series := func(n int) (string, string) {
		if pg {
			return "", fmt.Sprintf("generate_series(1, %d) AS s(i)", n)
		}
		return fmt.Sprintf("WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < %d) ", n), "s"
	}
	gen := func(n int, q string) string {
		with, from := series(n)
		return with + strings.ReplaceAll(q, "FROM s", "FROM "+from)
	}
	a := crashOthers + 1 // Alice's customer id
	rows := crashRows(dialect)
	stmts := append([]string{}, crashSchema...)
	stmts = append(stmts,
		gen(crashOthers, `INSERT INTO customers SELECT i, 'c' || i || '@example.com', 'First' || i, 'Last' || i, '+3247' || i, '2025-01-01' FROM s`),
		fmt.Sprintf(`INSERT INTO customers VALUES (%d, '%s', 'Alice', 'Dupont', '+32470000002', '2025-01-02')`, a, shoptest.Alice),
		gen(crashOthers, `INSERT INTO addresses SELECT i, i, i || ' Main Street', 'Gent', '9000' FROM s`),
		gen(rows, fmt.Sprintf(`INSERT INTO addresses SELECT %d + i, %d, i || ' rue de la Paix', 'Paris', '75002' FROM s`, crashOthers, a)),
		gen(crashOthers, `INSERT INTO orders SELECT i, i, '2025-02-01', i * 10 FROM s`),
		gen(rows, fmt.Sprintf(`INSERT INTO orders SELECT %d + i, %d, '2025-03-01', i FROM s`, crashOthers, a)),
		gen(crashOthers, `INSERT INTO order_lines SELECT i, i, 'Teapot', 1 FROM s`),
		gen(rows, fmt.Sprintf(`INSERT INTO order_lines SELECT %d + i, %d + i, 'Alice item ' || i, 1 FROM s`, crashOthers, crashOthers)),
		gen(crashOthers, `INSERT INTO tickets SELECT i, i, 'c' || i || '@example.com', 'Question', 'Where is my order?' FROM s`),
		// Half of Alice's tickets are linked by her account, half by her
		// email only.
		gen(rows, fmt.Sprintf(`INSERT INTO tickets SELECT %d + i, CASE WHEN i %% 2 = 0 THEN %d END,
			CASE WHEN i %% 2 = 1 THEN '%s' ELSE 'alice.work@corp.example' END, 'Alice ticket ' || i, 'Body ' || i FROM s`,
			crashOthers, a, shoptest.Alice)),
	)
	for _, q := range stmts {
		if _, err := raw.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	return url
}

// dumpShop reads every row of every table, ordered by primary key.
func dumpShop(t *testing.T, url string) map[string][]string {
	t.Helper()
	raw := shoptest.Open(t, url)
	out := map[string][]string{}
	for _, table := range crashTables {
		rs, err := raw.Query("SELECT * FROM " + table + " ORDER BY id")
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rs.Columns()
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rs.Next() {
			if err := rs.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			for i, v := range vals {
				if i > 0 {
					b.WriteByte('|')
				}
				if v.Valid {
					b.WriteString(v.String)
				} else {
					b.WriteString("NULL")
				}
			}
			out[table] = append(out[table], b.String())
		}
		if err := rs.Err(); err != nil {
			t.Fatal(err)
		}
		rs.Close()
	}
	return out
}

// sameShop reports the tables whose rows differ, with the first difference.
func sameShop(t *testing.T, what string, got, want map[string][]string) {
	t.Helper()
	for _, table := range crashTables {
		g, w := got[table], want[table]
		if len(g) != len(w) {
			t.Errorf("%s: %s has %d rows, want %d", what, table, len(g), len(w))
			continue
		}
		diff := 0
		first := ""
		for i := range g {
			if g[i] != w[i] {
				if diff == 0 {
					first = fmt.Sprintf("%q, want %q", g[i], w[i])
				}
				diff++
			}
		}
		if diff > 0 {
			t.Errorf("%s: %s: %d rows differ, first %s", what, table, diff, first)
		}
	}
}

// writing says whether a transaction is open on the shop with writes in it.
func writing(t *testing.T, url string, raw *sql.DB) bool {
	t.Helper()
	if strings.HasPrefix(url, "sqlite://") {
		_, err := os.Stat(strings.TrimPrefix(url, "sqlite://") + "-journal")
		return err == nil
	}
	var n int
	if err := raw.QueryRow(`SELECT COUNT(*) FROM pg_stat_activity
		WHERE datname = current_database() AND backend_xid IS NOT NULL AND pid <> pg_backend_pid()`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n > 0
}

// buildGarde compiles the garde command once for the test.
func buildGarde(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "garde")
	cmd := exec.Command("go", "build", "-o", bin, "github.com/garde-privacy/garde/cmd/garde")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// gardeServer is a running `garde serve` process.
type gardeServer struct {
	cmd *exec.Cmd
	log string
}

func startGarde(t *testing.T, bin string, env []string, logName string) *gardeServer {
	t.Helper()
	logPath := filepath.Join(t.TempDir(), logName)
	f, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "serve")
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GARDE_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, env...)
	cmd.Stdout, cmd.Stderr = f, f
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &gardeServer{cmd: cmd, log: logPath}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
		f.Close()
	})
	return s
}

func (s *gardeServer) logText() string {
	b, _ := os.ReadFile(s.log)
	return string(b)
}

// TestErasureKilledMidRunFinishesOnRestart runs an erasure in a real garde
// server, kills the process with SIGKILL while the erasure is writing to the
// shop, restarts it, and checks that the erasure finishes at once with the
// same end state as an uninterrupted erasure of a copy of the shop, that
// the task is done once, and that running it again changes nothing.
func TestErasureKilledMidRunFinishesOnRestart(t *testing.T) {
	bin := buildGarde(t)
	dbtest.ForEach(t, func(t *testing.T, fresh *db.DB) {
		ctx := context.Background()
		// The server gets a database of its own, of the same engine.
		dialect := fresh.Dialect
		shop := createCrashShop(t, dialect)
		copyShop := createCrashShop(t, dialect)
		original := dumpShop(t, shop)
		sameShop(t, "the copy before any erasure", dumpShop(t, copyShop), original)

		dataDir := t.TempDir()
		env := []string{"GARDE_DATA=" + dataDir, "GARDE_ADDR=127.0.0.1:0", "GARDE_LOG_LEVEL=info",
			"GARDE_DATABASE_URL=" + dbtest.URL(t, dialect)}
		cfg, err := config.Load(pflag.NewFlagSet("test", pflag.ContinueOnError), env)
		if err != nil {
			t.Fatal(err)
		}

		// The business's setup and the verified request, through the
		// services; the erasure job is queued with the request's task.
		a, err := app.Open(ctx, cfg, quiet, app.Options{})
		if err != nil {
			t.Fatal(err)
		}
		admin, err := a.Operators.Create(ctx, operator.ActorCLI, operator.NewOperator{
			Email: "admin@acme.example", Name: "Admin", Role: operator.Admin, Password: "correct horse battery staple"})
		if err != nil {
			t.Fatal(err)
		}
		actor := requests.OperatorActor(admin)
		sys, err := a.Requests.CreateSystem(ctx, actor, requests.SystemInput{
			Name: "Web shop", OwnerEmail: "it@acme.example", Kind: requests.SystemAutomatic, Active: true})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.Fulfil.SetConnector(ctx, actor, sys.ID, run.ConnectorInput{Dataset: crashDataset, URL: shop}); err != nil {
			t.Fatal(err)
		}
		rc, err := a.Requests.Submit(ctx, requests.SubmitInput{
			Email: shoptest.Alice, Name: "Alice Dupont", Subject: "Effacement", Type: requests.TypeErasure,
			Description: "Merci d'effacer toutes mes données.", Region: "fr", Language: i18n.FR,
		}, requests.SubmitMeta{})
		if err != nil {
			t.Fatal(err)
		}
		if err := a.Requests.VerifyManually(ctx, actor, rc.ID, "Appel depuis le numéro du compte"); err != nil {
			t.Fatal(err)
		}
		tasks, err := a.Requests.Tasks(ctx, rc.ID)
		if err != nil || len(tasks) != 1 {
			t.Fatalf("tasks %v %v", tasks, err)
		}
		taskID := tasks[0].ID
		a.Close()

		// The server erases; it is killed once the erasure writes to the
		// shop, a little after, so that rows are changed in its open
		// transaction.
		watch := shoptest.Open(t, shop)
		srv := startGarde(t, bin, env, "first.log")
		started := time.Now()
		for !writing(t, shop, watch) {
			if time.Since(started) > 2*time.Minute {
				t.Fatalf("the erasure never started writing:\n%s", srv.logText())
			}
			time.Sleep(5 * time.Millisecond)
		}
		time.Sleep(150 * time.Millisecond)
		if !writing(t, shop, watch) {
			t.Fatalf("the erasure finished writing within 150ms: the shop is too small for this test")
		}
		if err := srv.cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		srv.cmd.Wait()
		t.Logf("killed %s after the server started", time.Since(started).Round(time.Millisecond))

		d, err := db.Open(ctx, cfg.DatabaseURL, dataDir)
		if err != nil {
			t.Fatal(err)
		}
		defer d.Close()
		var state string
		var attempt int
		if err := d.QueryRow(ctx, "SELECT state, attempt FROM river_job WHERE kind = ?", run.TaskArgs{}.Kind()).Scan(&state, &attempt); err != nil {
			t.Fatal(err)
		}
		if state != "running" || attempt != 1 {
			t.Fatalf("after the kill the job is %s at attempt %d, want running at attempt 1", state, attempt)
		}
		// The system's transaction died with the process.
		sameShop(t, "the shop after the kill", dumpShop(t, shop), original)

		// Restarted, the server retries the job at once and finishes it.
		srv = startGarde(t, bin, env, "second.log")
		restarted := time.Now()
		a, err = app.Open(ctx, cfg, quiet, app.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer a.Close()
		for {
			ts, err := a.Requests.Tasks(ctx, rc.ID)
			if err != nil {
				t.Fatal(err)
			}
			if ts[0].State == requests.TaskDone {
				break
			}
			if ts[0].State == requests.TaskFailed || time.Since(restarted) > 2*time.Minute {
				t.Fatalf("task %s: %s\n%s", ts[0].State, ts[0].Note, srv.logText())
			}
			time.Sleep(50 * time.Millisecond)
		}
		t.Logf("the erasure finished %s after the restart", time.Since(restarted).Round(time.Millisecond))
		if err := srv.cmd.Process.Signal(syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
		if err := srv.cmd.Wait(); err != nil {
			t.Fatalf("server stop: %v\n%s", err, srv.logText())
		}
		if err := d.QueryRow(ctx, "SELECT state, attempt FROM river_job WHERE kind = ?", run.TaskArgs{}.Kind()).Scan(&state, &attempt); err != nil {
			t.Fatal(err)
		}
		if state != "completed" || attempt != 2 {
			t.Errorf("the job is %s at attempt %d, want completed at attempt 2", state, attempt)
		}

		// The reference: the same person erased without interruption on
		// the copy, with the same erasure key.
		box, err := secrets.Open(cfg)
		if err != nil {
			t.Fatal(err)
		}
		key, err := fulfil.ErasureKey(ctx, d, box)
		if err != nil {
			t.Fatal(err)
		}
		eraseAlice := func(url string) *erase.Record {
			t.Helper()
			ds, err := dataset.Parse("shop.yaml", []byte(crashDataset))
			if err != nil {
				t.Fatal(err)
			}
			set, err := dataset.Check(ds)
			if err != nil {
				t.Fatal(err)
			}
			p, err := plan.Build(set, []plan.Identity{{Key: "email", Value: shoptest.Alice}})
			if err != nil {
				t.Fatal(err)
			}
			conn, err := connect.Open(ctx, url, false)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			rec, err := erase.Run(ctx, p, map[string]*connect.Conn{"shop": conn}, erase.Options{Key: key})
			if err != nil {
				t.Fatal(err)
			}
			return rec
		}
		rec := eraseAlice(copyShop)
		changed := 0
		for _, c := range rec.Systems[0].Collections {
			changed += len(c.Rows)
		}
		// Her addresses, order lines and tickets, and her account.
		if want := 3*crashRows(dialect) + 1; changed != want {
			t.Fatalf("the reference erasure changed %d rows, want %d", changed, want)
		}
		after := dumpShop(t, shop)
		sameShop(t, "the shop erased after a kill, against the copy erased at once", after, dumpShop(t, copyShop))

		if n := strings.Count(srv.logText(), "retried jobs left running by a stopped process"); n != 1 {
			t.Errorf("the restarted server logged the retry %d times:\n%s", n, srv.logText())
		}
		for _, l := range strings.Split(srv.logText(), "\n") {
			if strings.Contains(l, "garde started") || strings.Contains(l, "retried jobs") {
				t.Log(l)
			}
		}

		// Run again: the task's job a third time, then the engine itself;
		// neither changes anything more.
		if err := a.Fulfil.Work(ctx, taskID, 3, run.MaxAttempts); err != nil {
			t.Fatal(err)
		}
		// Done once: one task done, one erasure recorded, no failure.
		if ts, _ := a.Requests.Tasks(ctx, rc.ID); ts[0].State != requests.TaskDone {
			t.Errorf("task %s after a third run", ts[0].State)
		}
		for action, want := range map[string]int{"fulfil.erased": 1, "request.task_failed": 0} {
			es, err := a.Audit.List(ctx, audit.ListFilter{Limit: 10, Action: action})
			if err != nil {
				t.Fatal(err)
			}
			if len(es) != want {
				t.Errorf("%d %s audit entries, want %d", len(es), action, want)
			}
		}
		again := eraseAlice(shop)
		for _, c := range again.Systems {
			for _, col := range c.Collections {
				if len(col.Rows) > 0 {
					t.Errorf("a second erasure changed %d rows of %s", len(col.Rows), col.Name)
				}
			}
		}
		sameShop(t, "the shop after a second erasure", dumpShop(t, shop), after)
	})
}
