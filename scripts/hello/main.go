// Command hello is the yardstick of `make bench`: the smallest net/http server, answering every request
// with a short text. Each page's throughput is read as a share of this server's, measured in the same run
// on the same cores, so that the figures of a loaded machine still compare.
package main

import (
	"flag"
	"log"
	"net/http"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8081", "address to listen on")
	flag.Parse()
	body := []byte("hello\n")
	log.Fatal(http.ListenAndServe(*addr, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write(body)
	})))
}
