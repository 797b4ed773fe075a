// Command reference is the yardstick of the bench runner: the smallest
// useful compiled Go HTTP server, answering /healthz like Garde does, so
// each Garde figure can be set against what the language and net/http
// alone cost on the same machine in the same run.
package main

import (
	"flag"
	"log"
	"net/http"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	flag.Parse()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte("ok\n"))
	})
	log.Fatal(http.ListenAndServe(*addr, mux))
}
