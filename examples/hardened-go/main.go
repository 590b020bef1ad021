package main

import (
	"flag"
	"net/http"
	"os"
)

func main() {
	health := flag.Bool("healthcheck", false, "probe the server and exit")
	flag.Parse()
	if *health {
		resp, err := http.Get("http://127.0.0.1:8080/healthz")
		if err != nil || resp.StatusCode != http.StatusOK {
			os.Exit(1)
		}
		os.Exit(0)
	}
	http.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("ok\n")) })
	http.ListenAndServe(":8080", nil)
}
