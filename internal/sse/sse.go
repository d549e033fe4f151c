// Package sse reads and writes server-sent events (text/event-stream) as
// OpenAI and Anthropic stream them. The reader bounds line length so a broken
// or hostile upstream cannot make it buffer without limit.
package sse

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
)

// Event is one server-sent event. Data lines are joined with "\n".
type Event struct {
	Event string
	Data  []byte
	ID    string
}

// ErrLineTooLong is returned when a line exceeds the reader's limit.
var ErrLineTooLong = errors.New("sse: line too long")

// DefaultMaxLine is the longest line a Reader accepts by default (4 MiB).
const DefaultMaxLine = 4 << 20

// Reader reads events from a stream.
type Reader struct {
	s    *bufio.Scanner
	data []byte
}

// NewReader returns a Reader over r with lines up to maxLine bytes
// (DefaultMaxLine when maxLine <= 0).
func NewReader(r io.Reader, maxLine int) *Reader {
	if maxLine <= 0 {
		maxLine = DefaultMaxLine
	}
	s := bufio.NewScanner(r)
	s.Buffer(make([]byte, 0, min(4096, maxLine)), maxLine)
	s.Split(scanLines)
	return &Reader{s: s}
}

// Next returns the next event. It returns io.EOF at a clean end of stream
// and io.ErrUnexpectedEOF when the stream ends inside an event. The returned
// Data is valid until the next call.
func (r *Reader) Next() (Event, error) {
	var ev Event
	r.data = r.data[:0]
	started := false
	hasData := false
	for r.s.Scan() {
		line := r.s.Bytes()
		if len(line) == 0 {
			if !started {
				continue
			}
			ev.Data = r.data
			return ev, nil
		}
		if line[0] == ':' {
			continue // comment / keep-alive
		}
		started = true
		field, value, _ := bytes.Cut(line, []byte(":"))
		if len(value) > 0 && value[0] == ' ' {
			value = value[1:]
		}
		switch string(field) {
		case "event":
			ev.Event = string(value)
		case "data":
			if hasData {
				r.data = append(r.data, '\n')
			}
			hasData = true
			r.data = append(r.data, value...)
		case "id":
			ev.ID = string(value)
		case "retry":
		default:
			// Unknown fields are ignored, as the spec says.
		}
	}
	if err := r.s.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return Event{}, ErrLineTooLong
		}
		return Event{}, err
	}
	if started {
		// The last event had no terminating blank line: accept it only if the
		// stream simply ended; we report it so callers can decide.
		ev.Data = r.data
		return ev, io.ErrUnexpectedEOF
	}
	return Event{}, io.EOF
}

// scanLines splits on \n, \r\n or \r.
func scanLines(data []byte, atEOF bool) (int, []byte, error) {
	if atEOF && len(data) == 0 {
		return 0, nil, nil
	}
	if i := bytes.IndexAny(data, "\r\n"); i >= 0 {
		if data[i] == '\r' {
			if i+1 < len(data) {
				if data[i+1] == '\n' {
					return i + 2, data[:i], nil
				}
				return i + 1, data[:i], nil
			}
			if !atEOF {
				return 0, nil, nil // need more data to know if \n follows
			}
		}
		return i + 1, data[:i], nil
	}
	if atEOF {
		return len(data), data, nil
	}
	return 0, nil, nil
}

// Writer writes events to an HTTP response and flushes after each one.
type Writer struct {
	w   io.Writer
	f   http.Flusher
	buf []byte
}

// NewWriter returns a Writer on w, flushing through w's http.Flusher if any.
func NewWriter(w io.Writer) *Writer {
	f, _ := w.(http.Flusher)
	return &Writer{w: w, f: f}
}

// SetHeaders sets the response headers of an event stream.
func SetHeaders(h http.Header) {
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	h.Set("Connection", "keep-alive")
	h.Set("X-Accel-Buffering", "no")
}

// Flush flushes the underlying writer (e.g. to send response headers
// before the first event).
func (w *Writer) Flush() {
	if w.f != nil {
		w.f.Flush()
	}
}

// Write writes one event (event name optional) and flushes. Data containing
// newlines is split over several data lines.
func (w *Writer) Write(event string, data []byte) error {
	b := w.buf[:0]
	if event != "" {
		b = append(b, "event: "...)
		b = append(b, event...)
		b = append(b, '\n')
	}
	for {
		i := bytes.IndexByte(data, '\n')
		b = append(b, "data: "...)
		if i < 0 {
			b = append(b, data...)
			b = append(b, '\n')
			break
		}
		b = append(b, bytes.TrimSuffix(data[:i], []byte("\r"))...)
		b = append(b, '\n')
		data = data[i+1:]
	}
	b = append(b, '\n')
	w.buf = b
	if _, err := w.w.Write(b); err != nil {
		return fmt.Errorf("sse write: %w", err)
	}
	if w.f != nil {
		w.f.Flush()
	}
	return nil
}
