package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"time"
)

// The zero-latency upstream answers every chat completion with the same small
// response, so what the measurement sees is HTTP and gateway cost only.
const (
	completionJSON = `{"id":"chatcmpl-load","object":"chat.completion","created":1700000000,"model":"mock-model","choices":[{"index":0,"message":{"role":"assistant","content":"Here is a short summary of the quarterly report with three follow-up actions."},"finish_reason":"stop"}],"usage":{"prompt_tokens":256,"completion_tokens":16,"total_tokens":272}}`
	chunkA         = `{"id":"chatcmpl-load","object":"chat.completion.chunk","created":1700000000,"model":"mock-model","choices":[{"index":0,"delta":{"role":"assistant","content":"Here is a short summary "},"finish_reason":null}]}`
	chunkB         = `{"id":"chatcmpl-load","object":"chat.completion.chunk","created":1700000000,"model":"mock-model","choices":[{"index":0,"delta":{"content":"with three follow-up actions."},"finish_reason":"stop"}]}`
)

// startUpstream serves the zero-latency OpenAI-compatible upstream on a
// loopback port until ctx ends. It returns the base URL (".../v1").
func startUpstream(ctx context.Context) (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/chat/completions", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if containsStreamTrue(body) {
			w.Header().Set("Content-Type", "text/event-stream")
			fl, _ := w.(http.Flusher)
			for _, c := range []string{chunkA, chunkB} {
				io.WriteString(w, "data: "+c+"\n\n")
				if fl != nil {
					fl.Flush()
				}
			}
			io.WriteString(w, "data: [DONE]\n\n")
			return
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, completionJSON)
	})
	mux.HandleFunc("GET /v1/models", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"object":"list","data":[{"id":"mock-model","object":"model","created":1700000000,"owned_by":"load"}]}`)
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	go func() {
		<-ctx.Done()
		srv.Close()
	}()
	return "http://" + ln.Addr().String() + "/v1", nil
}

// containsStreamTrue reports whether a request body asks for streaming,
// without decoding the whole body.
func containsStreamTrue(b []byte) bool {
	for i := 0; i+13 <= len(b); i++ {
		if string(b[i:i+9]) == `"stream":` {
			j := i + 9
			for j < len(b) && b[j] == ' ' {
				j++
			}
			return j+4 <= len(b) && string(b[j:j+4]) == "true"
		}
	}
	return false
}
