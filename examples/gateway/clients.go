package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// clientPool is the gateway's long-lived API traffic: N persistent
// keep-alive connections, each with its own large read buffer.
type clientPool struct {
	clients  []*client
	requests int64 // atomic
	paused   int32 // atomic
	idle     sync.WaitGroup
	stop     chan struct{}
	done     sync.WaitGroup
}

type client struct {
	id   int
	conn net.Conn
	br   *bufio.Reader
	rng  uint64
}

func startClients(addr string, n int) (*clientPool, error) {
	p := &clientPool{stop: make(chan struct{})}
	for i := 0; i < n; i++ {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			p.close()
			return nil, err
		}
		c := &client{id: i, conn: conn, rng: uint64(i)*0x9e3779b97f4a7c15 + 1}
		p.clients = append(p.clients, c)
		p.idle.Add(1)
		p.done.Add(1)
		go c.run(p)
	}
	return p, nil
}

// newConnBuffer is the per-connection read buffer: 64 KiB, held for the
// life of the connection.
func newConnBuffer(conn net.Conn) *bufio.Reader {
	return bufio.NewReaderSize(conn, 64<<10)
}

func (c *client) run(p *clientPool) {
	defer p.done.Done()
	c.br = newConnBuffer(c.conn)
	for atomic.LoadInt32(&p.paused) == 0 {
		if err := c.do(); err != nil {
			break
		}
		atomic.AddInt64(&p.requests, 1)
		time.Sleep(time.Duration(1+c.id%4) * time.Millisecond)
	}
	p.idle.Done()
	<-p.stop
}

// do sends one keep-alive request and reads the whole response.
func (c *client) do() error {
	c.rng ^= c.rng << 13 // xorshift64
	c.rng ^= c.rng >> 7
	c.rng ^= c.rng << 17
	id := int(c.rng % 6000)
	if _, err := fmt.Fprintf(c.conn, "GET /api/v1/items/%d HTTP/1.1\r\nHost: gateway\r\nUser-Agent: example-client/%d\r\n\r\n", id, c.id); err != nil {
		return err
	}
	resp, err := http.ReadResponse(c.br, nil)
	if err != nil {
		return err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if err == nil && resp.StatusCode != http.StatusOK {
		err = fmt.Errorf("item %d: %s", id, resp.Status)
	}
	return err
}

// waitRequests waits until the pool has made at least n requests in total.
func (p *clientPool) waitRequests(n int) {
	deadline := time.Now().Add(10 * time.Second)
	for atomic.LoadInt64(&p.requests) < int64(n) && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
}

// pause stops issuing requests; connections (and their buffers) stay open.
func (p *clientPool) pause() {
	atomic.StoreInt32(&p.paused, 1)
	p.idle.Wait()
}

func (p *clientPool) close() {
	atomic.StoreInt32(&p.paused, 1)
	select {
	case <-p.stop:
	default:
		close(p.stop)
	}
	for _, c := range p.clients {
		c.conn.Close()
	}
	p.done.Wait()
}
