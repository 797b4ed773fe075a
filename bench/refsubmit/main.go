// Command refsubmit is the yardstick of the bench runner's submission
// figures: the least a server can do to take a request form into SQLite.
// It answers the same form post as Garde's privacy centre, checks that the
// fields are there, and inserts one row with hand-written SQL through one
// writer connection in WAL mode, as Garde's SQLite set-up does. Nothing
// else: no validation worth the name, no timeline, audit, email or job.
package main

import (
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"flag"
	"log"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	_ "modernc.org/sqlite"
)

const schema = `CREATE TABLE IF NOT EXISTS requests (
	id TEXT PRIMARY KEY,
	email TEXT NOT NULL,
	name TEXT NOT NULL,
	phone TEXT NOT NULL,
	subject TEXT NOT NULL,
	type TEXT NOT NULL,
	description TEXT NOT NULL,
	account_id TEXT NOT NULL,
	region TEXT NOT NULL,
	received_at DATETIME NOT NULL
)`

const form = `<!doctype html><title>Request</title><form method="post" action="/privacy/request">` +
	`<input name="email"><input name="name"><input name="phone"><input name="subject"><input name="type">` +
	`<textarea name="description"></textarea><input name="account_id"><input name="region"><button>Send</button></form>`

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	dir := flag.String("data", ".", "directory of the SQLite database")
	flag.Parse()
	// The same pragmas as Garde's writer connection.
	dsn := "file:" + filepath.Join(*dir, "ref.db") + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_txlock=immediate"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		log.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	if _, err := db.Exec(schema); err != nil {
		log.Fatal(err)
	}

	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /privacy/request", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(form))
	})
	mux.HandleFunc("POST /privacy/request", func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
		if err := r.ParseForm(); err != nil {
			http.Error(w, "bad form", http.StatusBadRequest)
			return
		}
		f := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
		if !strings.Contains(f("email"), "@") || f("name") == "" || f("subject") == "" || f("type") == "" ||
			f("description") == "" || f("region") == "" {
			http.Error(w, "missing field", http.StatusUnprocessableEntity)
			return
		}
		id := make([]byte, 16)
		rand.Read(id)
		_, err := db.ExecContext(r.Context(), `INSERT INTO requests (id, email, name, phone, subject, type, description, account_id, region, received_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			hex.EncodeToString(id), f("email"), f("name"), f("phone"), f("subject"), f("type"), f("description"), f("account_id"), f("region"), time.Now().UTC())
		if err != nil {
			log.Print(err)
			http.Error(w, "error", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte("<!doctype html><title>Sent</title><p>Check your email.</p>\n"))
	})
	log.Fatal(http.ListenAndServe(*addr, mux))
}
