package h1

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// connCounter counts the TCP connections a test server accepted.
type connCounter struct {
	mu sync.Mutex
	n  int
}

func (c *connCounter) track(s *httptest.Server) {
	s.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			c.mu.Lock()
			c.n++
			c.mu.Unlock()
		}
	}
}

// countingServer starts a test server for h that counts its connections.
func countingServer(t *testing.T, h http.HandlerFunc) (*httptest.Server, *connCounter) {
	t.Helper()
	cc := &connCounter{}
	s := httptest.NewUnstartedServer(h)
	cc.track(s)
	s.Start()
	t.Cleanup(s.Close)
	return s, cc
}

func (c *connCounter) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}

func h1Post(t *testing.T, tr *Transport, ctx context.Context, url, body string) (*http.Response, error) {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return tr.RoundTrip(req)
}

func newH1(firstByte time.Duration) *Transport {
	return New((&net.Dialer{Timeout: 10 * time.Second}).DialContext, firstByte, 4)
}

// Answers read to the end return their connection to the pool: 20 calls,
// one connection. An answer closed early, and one whose upstream asked to
// close, do not.
func TestH1Reuse(t *testing.T) {
	s, cc := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if r.URL.Path == "/close" {
			w.Header().Set("Connection", "close")
		}
		w.Write(bytes.Repeat(b, 100))
	})
	tr := newH1(0)
	defer tr.CloseIdleConnections()
	for i := range 20 {
		resp, err := h1Post(t, tr, context.Background(), s.URL+"/echo", "hello")
		if err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil || string(b) != strings.Repeat("hello", 100) {
			t.Fatalf("call %d: body %q, %v", i, b, err)
		}
	}
	if n := cc.count(); n != 1 {
		t.Errorf("20 sequential calls used %d connections; want 1", n)
	}
	// Closed before the end: the connection is not reused.
	resp, err := h1Post(t, tr, context.Background(), s.URL+"/echo", "x")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	resp, err = h1Post(t, tr, context.Background(), s.URL+"/close", "x")
	if err != nil {
		t.Fatal(err)
	}
	io.ReadAll(resp.Body)
	resp.Body.Close()
	resp, err = h1Post(t, tr, context.Background(), s.URL+"/echo", "x")
	if err != nil {
		t.Fatal(err)
	}
	io.ReadAll(resp.Body)
	resp.Body.Close()
	if n := cc.count(); n != 3 {
		t.Errorf("connections after an unread body and a Connection: close = %d; want 3", n)
	}
}

// An upstream that closed a pooled connection while it was idle: the next
// call notices before writing and uses a new connection.
func TestH1IdleClosedByUpstream(t *testing.T) {
	s, cc := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		io.WriteString(w, "ok")
	})
	tr := newH1(0)
	defer tr.CloseIdleConnections()
	for i := range 3 {
		resp, err := h1Post(t, tr, context.Background(), s.URL, "x")
		if err != nil {
			t.Fatalf("call %d after the upstream closed idle connections: %v", i, err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if string(b) != "ok" {
			t.Fatalf("call %d: body %q", i, b)
		}
		s.CloseClientConnections()
	}
	if n := cc.count(); n != 3 {
		t.Errorf("connections = %d; want 3 (one per call, each closed by the upstream)", n)
	}
}

// The first-byte timeout bounds the wait for the answer's header;
// cancelling the context ends a body read in progress.
func TestH1TimeoutAndCancel(t *testing.T) {
	release := make(chan struct{})
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			select {
			case <-release:
			case <-r.Context().Done():
			}
			return
		}
		w.WriteHeader(200)
		io.WriteString(w, "data: first\n\n")
		w.(http.Flusher).Flush()
		select { // a stream that never ends by itself
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer s.Close()
	defer close(release)
	tr := newH1(100 * time.Millisecond)
	defer tr.CloseIdleConnections()
	if _, err := h1Post(t, tr, context.Background(), s.URL+"/slow", "x"); err == nil || !strings.Contains(err.Error(), "timeout awaiting response headers") {
		t.Errorf("slow upstream: err = %v; want a first-byte timeout", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	resp, err := h1Post(t, tr, ctx, s.URL+"/stream", "x")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	buf := make([]byte, 64)
	if n, err := resp.Body.Read(buf); err != nil || !strings.Contains(string(buf[:n]), "first") {
		t.Fatalf("first chunk = %q, %v", buf[:n], err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := io.ReadAll(resp.Body)
		done <- err
	}()
	cancel()
	select {
	case err := <-done:
		if err == nil {
			t.Error("body read after cancel = nil error; want an error")
		}
	case <-time.After(30 * time.Second): // a hang guard, not a timing bound
		t.Fatal("cancelling the context did not end the body read")
	}
	// A cancelled context before the call: refused with the context's error.
	if _, err := h1Post(t, tr, ctx, s.URL+"/stream", "x"); !errors.Is(err, context.Canceled) {
		t.Errorf("call with a cancelled context: err = %v; want context.Canceled", err)
	}
}

func TestPlainHTTP(t *testing.T) {
	for base, want := range map[string]bool{
		"http://127.0.0.1:8000/v1":  true,
		"https://api.openai.com/v1": false,
		"http:///v1":                false,
		"::bad":                     false,
	} {
		if got := Plain(base); got != want {
			t.Errorf("Plain(%q) = %v; want %v", base, got, want)
		}
	}
}

// A retired transport (its upstream replaced by a reload) closes the
// connections of answers still in flight instead of pooling them.
func TestH1RetiredDoesNotPool(t *testing.T) {
	s, _ := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		io.WriteString(w, "ok")
	})
	tr := newH1(0)
	resp, err := h1Post(t, tr, context.Background(), s.URL, "x")
	if err != nil {
		t.Fatal(err)
	}
	io.ReadAll(resp.Body)
	tr.CloseIdleConnections()
	resp.Body.Close()
	tr.mu.Lock()
	pooled := len(tr.idle[strings.TrimPrefix(s.URL, "http://")])
	tr.mu.Unlock()
	if pooled != 0 {
		t.Errorf("retired transport pooled %d connections; want 0", pooled)
	}
}
