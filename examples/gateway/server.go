package main

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// gateway is the HTTP server under test: an API handler with a small cache,
// and the /metrics endpoint.
type gateway struct {
	ln      net.Listener
	srv     *http.Server
	cache   *cache
	metrics *metricsHandler
	done    chan struct{}
}

// smallBufListener keeps the kernel's send buffer of every accepted
// connection small, as on a busy host, so that a peer that stops reading
// blocks the writer after a few tens of KB instead of several MB.
type smallBufListener struct{ net.Listener }

func (l smallBufListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	if tc, ok := c.(*net.TCPConn); ok {
		tc.SetWriteBuffer(16 << 10)
	}
	return c, nil
}

func startGateway() (*gateway, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	g := &gateway{
		ln:      ln,
		cache:   newCache(4000),
		metrics: newMetricsHandler(),
		done:    make(chan struct{}),
	}
	mux := http.NewServeMux()
	mux.Handle("/api/v1/items/", &apiHandler{cache: g.cache, metrics: g.metrics})
	mux.Handle("/metrics", g.metrics)
	g.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		defer close(g.done)
		g.srv.Serve(smallBufListener{ln})
	}()
	return g, nil
}

func (g *gateway) addr() string { return g.ln.Addr().String() }

// close closes the listener and every connection; handlers blocked in Write
// get an error and return.
func (g *gateway) close() {
	g.srv.Close()
	<-g.done
	g.metrics.wait()
}

// apiHandler serves /api/v1/items/{id}: it looks the item up in the cache,
// builds it on a miss, and writes it as JSON. Each request makes some
// short-lived garbage (the item view, the JSON encoding).
type apiHandler struct {
	cache   *cache
	metrics *metricsHandler
}

type item struct {
	ID      int               `json:"id"`
	Name    string            `json:"name"`
	Tags    []string          `json:"tags"`
	Attrs   map[string]string `json:"attrs"`
	Payload []byte            `json:"payload"`
	Updated time.Time         `json:"updated"`
}

func (h *apiHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.Atoi(r.URL.Path[len("/api/v1/items/"):])
	if err != nil {
		http.Error(w, "bad id", http.StatusBadRequest)
		return
	}
	it := h.cache.get(id)
	if it == nil {
		it = buildItem(id)
		h.cache.put(id, it)
	}
	body, err := renderItem(it)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	h.metrics.observe(r.URL.Path[:len("/api/v1/items/")], len(body))
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.Write(body)
}

// buildItem is the "expensive" backend lookup whose result is cached.
func buildItem(id int) *item {
	it := &item{
		ID:      id,
		Name:    fmt.Sprintf("item-%06d", id),
		Tags:    []string{"gateway", "example", fmt.Sprintf("shard-%d", id%16)},
		Attrs:   make(map[string]string, 4),
		Payload: make([]byte, 768),
		Updated: time.Unix(1700000000+int64(id), 0).UTC(),
	}
	for i := range it.Payload {
		it.Payload[i] = byte(id*31 + i)
	}
	it.Attrs["owner"] = fmt.Sprintf("team-%d", id%7)
	it.Attrs["region"] = "eu-west-1"
	return it
}

// renderItem is request-scoped work: a response view plus its JSON encoding,
// garbage as soon as the response is written.
func renderItem(it *item) ([]byte, error) {
	view := struct {
		*item
		Related []int  `json:"related"`
		Trace   string `json:"trace"`
	}{item: it, Related: make([]int, 32), Trace: fmt.Sprintf("%016x", it.ID*2654435761)}
	for i := range view.Related {
		view.Related[i] = (it.ID + i*97) % 100000
	}
	return json.Marshal(view)
}

// cache is a small bounded map of items, evicting an arbitrary entry when
// full.
type cache struct {
	mu      sync.Mutex
	max     int
	entries map[int]*item
}

func newCache(max int) *cache {
	return &cache{max: max, entries: make(map[int]*item, max)}
}

func (c *cache) get(id int) *item {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.entries[id]
}

func (c *cache) put(id int, it *item) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) >= c.max {
		for k := range c.entries {
			delete(c.entries, k)
			break
		}
	}
	c.entries[id] = it
}

func (c *cache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}
