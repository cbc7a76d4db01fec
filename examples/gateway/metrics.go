package main

import (
	"compress/gzip"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// metricsHandler serves /metrics in the Prometheus text format, gzipped when
// the scraper accepts it (as promhttp does). The exposition is large: one
// family per gateway subsystem, with per-route / per-upstream series.
type metricsHandler struct {
	families []familyDesc

	mu       sync.Mutex
	requests map[string]int64 // observed by the API handler
	bytes    map[string]int64

	scrapes  int64 // atomic: scrape sequence number
	inflight int64 // atomic: handlers currently writing a response
	progress int64 // atomic: response bytes written so far, all scrapes
	active   sync.WaitGroup
}

type familyDesc struct {
	name, help, kind string
	series           int
}

// metricFamily is one family as encoded for one scrape: either preformatted
// sample lines (the live counters) or synthetic series generated from a seed.
type metricFamily struct {
	desc  *familyDesc
	lines []string
	scrap int64
	index int
}

var liveFamily = familyDesc{
	name: "gateway_api_requests_total",
	help: "API requests and response bytes served, by route.",
	kind: "counter",
}

func newMetricsHandler() *metricsHandler {
	h := &metricsHandler{requests: map[string]int64{}, bytes: map[string]int64{}}
	subsystems := []string{"http_server", "upstream", "router", "auth", "ratelimit", "cache", "tls", "dns"}
	kinds := []string{"counter", "gauge", "histogram"}
	for i := 0; i < 96; i++ {
		sub := subsystems[i%len(subsystems)]
		kind := kinds[i%len(kinds)]
		h.families = append(h.families, familyDesc{
			name:   fmt.Sprintf("gateway_%s_metric_%02d", sub, i),
			help:   fmt.Sprintf("Synthetic %s %s number %d of the example gateway.", sub, kind, i),
			kind:   kind,
			series: 160,
		})
	}
	return h
}

func (h *metricsHandler) observe(route string, n int) {
	h.mu.Lock()
	h.requests[route]++
	h.bytes[route] += int64(n)
	h.mu.Unlock()
}

func (h *metricsHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	atomic.AddInt64(&h.inflight, 1)
	h.active.Add(1)
	defer func() {
		atomic.AddInt64(&h.inflight, -1)
		h.active.Done()
	}()

	seq := atomic.AddInt64(&h.scrapes, 1)
	gzipped := strings.Contains(r.Header.Get("Accept-Encoding"), "gzip")
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	if gzipped {
		w.Header().Set("Content-Encoding", "gzip")
	}
	enc := newEncoder(w, gzipped, &h.progress)
	defer enc.Close()

	// Live families first, then the (large) synthetic ones.
	h.mu.Lock()
	live := make([]string, 0, 2*len(h.requests))
	for route, n := range h.requests {
		live = append(live,
			fmt.Sprintf("gateway_api_requests_total{route=%q} %d\n", route, n),
			fmt.Sprintf("gateway_api_requests_total{route=%q,unit=\"bytes\"} %d\n", route, h.bytes[route]))
	}
	h.mu.Unlock()
	if err := enc.Encode(&metricFamily{desc: &liveFamily, lines: live}); err != nil {
		return
	}
	for i := range h.families {
		if err := enc.Encode(&metricFamily{desc: &h.families[i], scrap: seq, index: i}); err != nil {
			return // client went away
		}
	}
}

func (h *metricsHandler) inFlight() int { return int(atomic.LoadInt64(&h.inflight)) }

// waitBlocked waits until exactly n /metrics handlers are in flight and none
// of them has made progress for a while, i.e. they are all blocked writing to
// a scraper that stopped reading.
func (h *metricsHandler) waitBlocked(n int, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	last, stableSince := int64(-1), time.Now()
	for {
		p := atomic.LoadInt64(&h.progress)
		if p != last {
			last, stableSince = p, time.Now()
		}
		if h.inFlight() == n && time.Since(stableSince) > 300*time.Millisecond {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("waiting for %d blocked /metrics handlers: %d in flight after %v", n, h.inFlight(), timeout)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// wait waits for all handlers to return (after the server closed their
// connections).
func (h *metricsHandler) wait() { h.active.Wait() }

// encoder writes metric families in the text exposition format, through a
// gzip.Writer when the scraper accepts gzip: the same shape as
// prometheus/common/expfmt's encoderCloser. The gzip.Writer allocates its
// compress/flate compressor (hundreds of KB) on the first Write, and keeps
// it until the response is done.
type encoder struct {
	w    io.Writer
	gz   *gzip.Writer
	line []byte
	rng  uint64
}

func newEncoder(w io.Writer, gzipped bool, progress *int64) *encoder {
	w = progressWriter{w: w, n: progress}
	e := &encoder{w: w, line: make([]byte, 0, 512)}
	if gzipped {
		e.gz = gzip.NewWriter(w)
		e.w = e.gz
	}
	return e
}

// progressWriter counts the (compressed) bytes handed to the response, so
// the example can tell when every stalled handler has stopped making
// progress.
type progressWriter struct {
	w io.Writer
	n *int64
}

func (p progressWriter) Write(b []byte) (int, error) {
	n, err := p.w.Write(b)
	atomic.AddInt64(p.n, int64(n))
	return n, err
}

var routes = []string{"/api/v1/items", "/api/v1/orders", "/api/v1/users", "/api/v1/search", "/api/v2/cart", "/api/v2/checkout", "/healthz", "/login"}
var buckets = []string{"0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "+Inf"}

// Encode writes one family. Label and sample values are pseudo-random so the
// text compresses like a real exposition (a few x, not a hundred x).
//
//go:noinline
func (e *encoder) Encode(mf *metricFamily) error {
	d := mf.desc
	e.rng = uint64(mf.scrap)*0x9e3779b97f4a7c15 ^ uint64(mf.index+1)*0xbf58476d1ce4e5b9
	e.line = append(e.line[:0], "# HELP "...)
	e.line = append(e.line, d.name...)
	e.line = append(e.line, ' ')
	e.line = append(e.line, d.help...)
	e.line = append(e.line, "\n# TYPE "...)
	e.line = append(e.line, d.name...)
	e.line = append(e.line, ' ')
	e.line = append(e.line, d.kind...)
	e.line = append(e.line, '\n')
	if _, err := e.w.Write(e.line); err != nil {
		return err
	}
	for _, l := range mf.lines {
		if _, err := io.WriteString(e.w, l); err != nil {
			return err
		}
	}
	for s := 0; s < d.series; s++ {
		r := e.next()
		labels := fmt.Sprintf(`route="%s",upstream="10.%d.%d.%d:%d",pod="gw-%08x"`,
			routes[r%uint64(len(routes))], r>>8&0xff, r>>16&0xff, r>>24&0xff, 8000+r>>32%100, e.next()&0xffffffff)
		if d.kind == "histogram" && s%8 == 0 {
			var cum uint64
			for _, le := range buckets {
				cum += e.next() % 5000
				e.line = e.sample(d.name+"_bucket", labels+`,le="`+le+`"`, strconv.FormatUint(cum, 10))
				if _, err := e.w.Write(e.line); err != nil {
					return err
				}
			}
			continue
		}
		v := strconv.FormatFloat(float64(e.next()%100000000)/1000, 'f', -1, 64)
		e.line = e.sample(d.name, labels, v)
		if _, err := e.w.Write(e.line); err != nil {
			return err
		}
	}
	return nil
}

func (e *encoder) sample(name, labels, value string) []byte {
	b := append(e.line[:0], name...)
	b = append(b, '{')
	b = append(b, labels...)
	b = append(b, "} "...)
	b = append(b, value...)
	b = append(b, '\n')
	return b
}

func (e *encoder) next() uint64 { // xorshift64*
	e.rng ^= e.rng >> 12
	e.rng ^= e.rng << 25
	e.rng ^= e.rng >> 27
	return e.rng * 2685821657736338717
}

func (e *encoder) Close() error {
	if e.gz != nil {
		return e.gz.Close()
	}
	return nil
}
