package mock

import (
	"io"
	"net/http"
	"sync"
)

// Transport is an http.RoundTripper that serves requests in process with a
// handler, so the mock upstream needs no socket. Response bodies are streamed
// through a pipe; closing the body (or cancelling the request) stops the
// handler's writes.
type Transport struct{ h http.Handler }

// NewTransport returns a transport that answers every request with h.
func NewTransport(h http.Handler) *Transport { return &Transport{h: h} }

// RoundTrip implements http.RoundTripper.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	pr, pw := io.Pipe()
	w := &pipeWriter{header: http.Header{}, pw: pw, ready: make(chan struct{})}
	go func() {
		defer func() {
			w.WriteHeader(http.StatusOK)
			pw.Close()
		}()
		t.h.ServeHTTP(w, req)
	}()
	select {
	case <-w.ready:
	case <-req.Context().Done():
		pr.CloseWithError(req.Context().Err())
		return nil, req.Context().Err()
	}
	return &http.Response{
		Status:        http.StatusText(w.status),
		StatusCode:    w.status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        w.header,
		Body:          &pipeBody{pr: pr, ctxDone: req.Context().Done()},
		ContentLength: -1,
		Request:       req,
	}, nil
}

type pipeBody struct {
	pr      *io.PipeReader
	ctxDone <-chan struct{}
}

func (b *pipeBody) Read(p []byte) (int, error) { return b.pr.Read(p) }
func (b *pipeBody) Close() error               { return b.pr.CloseWithError(io.ErrClosedPipe) }

type pipeWriter struct {
	header http.Header
	pw     *io.PipeWriter
	once   sync.Once
	status int
	ready  chan struct{}
}

func (w *pipeWriter) Header() http.Header { return w.header }

func (w *pipeWriter) WriteHeader(code int) {
	w.once.Do(func() {
		w.status = code
		close(w.ready)
	})
}

func (w *pipeWriter) Write(p []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	return w.pw.Write(p)
}

// Flush implements http.Flusher; pipe writes are unbuffered already.
func (w *pipeWriter) Flush() {}
