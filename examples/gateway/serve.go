package main

import (
	"fmt"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"time"
)

// serveProfiles serves net/http/pprof's handlers on addr for a bounded time.
// Only loopback addresses are accepted: this is a local demo, not a service.
func serveProfiles(addr string, d time.Duration) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return err
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return fmt.Errorf("-serve %s: only loopback addresses (127.0.0.1, ::1, localhost)", addr)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: mux}
	time.AfterFunc(d, func() { srv.Close() })
	fmt.Fprintf(os.Stderr, "gateway: serving http://%s/debug/pprof/ for %s\n", ln.Addr(), d)
	if err := srv.Serve(ln); err != http.ErrServerClosed {
		return err
	}
	return nil
}
