package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"time"
)

// runScrapers runs n healthy Prometheus-like scrapers, each scraping
// /metrics `times` times: request with gzip, read the whole body, close.
func runScrapers(addr string, n, times int) error {
	tr := &http.Transport{DisableKeepAlives: true}
	defer tr.CloseIdleConnections()
	cl := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	var wg sync.WaitGroup
	errs := make(chan error, n*times)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := 0; k < times; k++ {
				resp, err := cl.Get("http://" + addr + "/metrics") // Transport adds Accept-Encoding: gzip
				if err != nil {
					errs <- err
					return
				}
				_, err = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	return <-errs
}

// stalledScrapers are scrapers that send a request, read the first bytes of
// the response, and then stop reading without closing: a scraper stuck on a
// slow network or a stalled proxy. The server's handler keeps writing until
// the socket buffers fill, then blocks in Write with its gzip.Writer live.
type stalledScrapers struct {
	conns []net.Conn
}

func startStalledScrapers(addr string, n int) (*stalledScrapers, error) {
	s := &stalledScrapers{}
	buf := make([]byte, 1024)
	for i := 0; i < n; i++ {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			s.close()
			return nil, err
		}
		s.conns = append(s.conns, conn)
		conn.(*net.TCPConn).SetReadBuffer(8 << 10)
		if _, err := io.WriteString(conn, "GET /metrics HTTP/1.1\r\nHost: gateway\r\nUser-Agent: stalled-scraper\r\nAccept-Encoding: gzip\r\n\r\n"); err != nil {
			s.close()
			return nil, err
		}
		// Headers and the start of the gzip stream, then nothing more.
		if _, err := io.ReadFull(conn, buf); err != nil {
			s.close()
			return nil, fmt.Errorf("stalled scraper %d: %v", i, err)
		}
	}
	return s, nil
}

func (s *stalledScrapers) close() {
	for _, c := range s.conns {
		c.Close()
	}
}
