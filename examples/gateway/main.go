// Command gateway is the bundled example for profdiff: one small Go "gateway"
// that can run as instance A (healthy) or instance B (scrapers stall
// mid-response on /metrics). Everything runs in-process over loopback TCP and
// the program ends by writing a heap profile (gzipped pprof proto), or keeps
// the scenario alive and serves net/http/pprof on a loopback address, so that
// two instances can be compared live (`profdiff diff URL URL`).
//
//	gateway -mode=a -out=gateway-a.pb.gz
//	gateway -mode=b -out=gateway-b.pb.gz
//	gateway -mode=a -serve=127.0.0.1:6061 -serve-for=2m
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"runtime"
	"runtime/pprof"
	"time"
)

// Sample roughly every 4 KiB allocated: dense enough that every call site in
// the scenario shows up, small enough that the profiles stay tiny. Set in a
// package-level initializer so it is in force before main runs.
var _ = func() int { runtime.MemProfileRate = 4096; return 0 }()

func main() {
	mode := flag.String("mode", "a", "instance to simulate: a (healthy scrapers) or b (stalled scrapers)")
	out := flag.String("out", "", "file to write the heap profile to (required)")
	clients := flag.Int("clients", 200, "long-lived API client connections")
	scrapers := flag.Int("scrapers", 8, "healthy /metrics scrapers (read fully, close)")
	stalled := flag.Int("stalled", 40, "scrapers that stall mid-response (mode b only)")
	serve := flag.String("serve", "", "after the scenario, serve net/http/pprof on this loopback address (e.g. 127.0.0.1:6061)")
	serveFor := flag.Duration("serve-for", 2*time.Minute, "how long -serve serves before the program exits")
	flag.Parse()
	log.SetFlags(0)
	log.SetPrefix("gateway: ")
	if (*out == "" && *serve == "") || (*mode != "a" && *mode != "b") {
		flag.Usage()
		os.Exit(2)
	}
	if *mode == "a" {
		*stalled = 0
	}
	if err := run(*out, *serve, *serveFor, *clients, *scrapers, *stalled); err != nil {
		log.Fatal(err)
	}
}

func run(out, serve string, serveFor time.Duration, nClients, nScrapers, nStalled int) error {
	start := time.Now()
	gw, err := startGateway()
	if err != nil {
		return err
	}
	defer gw.close()
	addr := gw.addr()

	// Long-lived API clients: persistent keep-alive connections.
	pool, err := startClients(addr, nClients)
	if err != nil {
		return err
	}
	defer pool.close()

	// Stalled scrapers (instance B): request /metrics, read the first bytes
	// of the response and then never read again.
	stalls, err := startStalledScrapers(addr, nStalled)
	if err != nil {
		return err
	}
	defer stalls.close()

	// Healthy scrapers: each scrapes /metrics a few times, reading the
	// whole response, and closes.
	if err := runScrapers(addr, nScrapers, 2); err != nil {
		return err
	}

	// Let the API traffic run a little longer so the cache fills and the
	// handlers of the stalled scrapes end up blocked in Write.
	pool.waitRequests(20 * nClients)
	if err := gw.metrics.waitBlocked(nStalled, 10*time.Second); err != nil {
		return err
	}

	// Quiesce request traffic (connections and their buffers stay open) so
	// the snapshot is not full of half-finished requests, then snapshot.
	pool.pause()
	runtime.GC()
	if serve != "" {
		// The scenario stays as it is (connections open, scrapes stalled) while served.
		return serveProfiles(serve, serveFor)
	}
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Fprintf(os.Stderr, "gateway: wrote %s: heap in use %.1f MB, %d clients, %d stalled /metrics scrapes, %d cache entries (%.1fs)\n",
		out, float64(ms.HeapAlloc)/(1<<20), nClients, gw.metrics.inFlight(), gw.cache.len(),
		time.Since(start).Seconds())
	return nil
}
