// Package provider calls model upstreams: OpenAI-compatible endpoints (OpenAI,
// Azure OpenAI, vLLM, Ollama, ...), Anthropic, and the built-in mock. It
// owns the HTTP transports (keep-alive pools), timeouts, the per-upstream
// circuit breaker, retries within a retry budget and fallback between the
// targets of a model route. It does not parse response bodies: the gateway
// does, because it knows the wire format the client asked for.
package provider

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/bulwark-ai/bulwark/internal/config"
	"github.com/bulwark-ai/bulwark/internal/h1"
	"github.com/bulwark-ai/bulwark/internal/provider/mock"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// API is a wire API an upstream may speak.
type API int

// APIs.
const (
	APIChat       API = iota // OpenAI POST /chat/completions
	APIResponses             // OpenAI POST /responses
	APIEmbeddings            // OpenAI POST /embeddings
	APIMessages              // Anthropic POST /v1/messages
)

var apiNames = [...]string{"chat", "responses", "embeddings", "messages"}

func (a API) String() string { return apiNames[a] }

// Upstream is one configured provider endpoint. It is safe for concurrent use.
type Upstream struct {
	name     string
	kind     string
	base     string
	apiKey   string
	azureVer string
	anthVer  string
	headers  http.Header
	// rt sends requests. Send calls RoundTrip directly rather than
	// http.Client.Do: an upstream API never redirects, following one would
	// re-send the upstream credentials to wherever it points, and Client.Do
	// copies every request's headers to support redirects.
	rt        http.RoundTripper
	firstByte time.Duration
	total     time.Duration
	breaker   *Breaker
	transport *http.Transport // nil for the mock
	h1        *h1.Transport   // plain-HTTP upstreams without a proxy: rt

	// Built once: the endpoint URLs (except Azure's, which name the model)
	// and the header values every call sends, with canonical keys, so a
	// call neither formats URLs nor canonicalizes header names.
	urls     [len(apiNames)]string
	authKey  string   // canonical header name for the API key ("" none)
	authVal  []string // its value
	anthVals []string // anthropic-version
}

// traceContext writes W3C trace context headers (traceparent, tracestate).
var traceContext propagation.TraceContext

// Header values shared by every call (read-only).
var contentTypeJSON = []string{"application/json"}

// NewUpstream builds an upstream from its config. getenv resolves
// api_key_env. The returned upstream owns an HTTP transport; call
// CloseIdleConnections when it is retired.
func NewUpstream(u config.Upstream, getenv func(string) string) (*Upstream, error) {
	key, err := u.APIKey(getenv)
	if err != nil {
		return nil, err
	}
	up := &Upstream{
		name:      u.Name,
		kind:      u.Kind,
		base:      strings.TrimRight(u.BaseURL, "/"),
		apiKey:    key,
		azureVer:  u.APIVersion,
		anthVer:   u.AnthropicVersion,
		headers:   http.Header{},
		firstByte: u.Timeouts.FirstByte.D(),
		total:     u.Timeouts.Total.D(),
		breaker:   NewBreaker(u.CircuitBreaker.Failures, u.CircuitBreaker.Cooldown.D()),
	}
	for k, v := range u.Headers {
		up.headers.Set(k, v)
	}
	if up.apiKey != "" {
		switch up.kind {
		case config.KindAnthropic:
			up.authKey, up.authVal = "X-Api-Key", []string{up.apiKey}
		case config.KindAzure:
			up.authKey, up.authVal = "Api-Key", []string{up.apiKey}
		default:
			up.authKey, up.authVal = "Authorization", []string{"Bearer " + up.apiKey}
		}
	}
	up.anthVals = []string{up.anthVer}
	defer func() {
		for a := range apiNames {
			up.urls[a] = up.buildURL(API(a), "")
		}
	}()
	if u.Kind == config.KindMock {
		up.base = "http://mock.invalid/v1"
		up.rt = mock.NewTransport(mock.New(u.Mock))
		return up, nil
	}
	pu, err := url.Parse(up.base)
	if err != nil {
		return nil, fmt.Errorf("upstream %s: base_url: %w", u.Name, err)
	}
	if pu.User != nil {
		// Credentials in the URL are sent as basic auth (what http.Client
		// did; RoundTrip does not), unless a header already authorizes;
		// the URL itself keeps no secret.
		if up.headers.Get("Authorization") == "" {
			pass, _ := pu.User.Password()
			up.headers.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(pu.User.Username()+":"+pass)))
		}
		pu.User = nil
		up.base = pu.String()
	}
	d := &net.Dialer{Timeout: u.Timeouts.Connect.D(), KeepAlive: 30 * time.Second}
	up.transport = &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           d.DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          u.MaxIdleConnsPerHost * 2,
		MaxIdleConnsPerHost:   u.MaxIdleConnsPerHost,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   u.Timeouts.Connect.D(),
		ResponseHeaderTimeout: u.Timeouts.FirstByte.D(),
		ExpectContinueTimeout: time.Second,
	}
	up.rt = up.transport
	if h1.Plain(up.base) {
		up.h1 = h1.New(d.DialContext, u.Timeouts.FirstByte.D(), u.MaxIdleConnsPerHost)
		up.rt = up.h1
	}
	return up, nil
}

// Name returns the upstream's configured name.
func (u *Upstream) Name() string { return u.name }

// Kind returns the upstream's kind (openai, azure, anthropic, mock).
func (u *Upstream) Kind() string { return u.kind }

// Speaks reports whether the upstream serves api natively.
func (u *Upstream) Speaks(api API) bool {
	switch u.kind {
	case config.KindMock:
		return true
	case config.KindAnthropic:
		return api == APIMessages
	default:
		return api != APIMessages
	}
}

// CloseIdleConnections releases the upstream's idle keep-alive connections.
func (u *Upstream) CloseIdleConnections() {
	if u.transport != nil {
		u.transport.CloseIdleConnections()
	}
	if u.h1 != nil {
		u.h1.CloseIdleConnections()
	}
}

// Breaker returns the upstream's circuit breaker.
func (u *Upstream) Breaker() *Breaker { return u.breaker }

func (u *Upstream) url(api API, model string) string {
	if u.kind != config.KindAzure {
		return u.urls[api]
	}
	return u.buildURL(api, model)
}

func (u *Upstream) buildURL(api API, model string) string {
	path := ""
	switch api {
	case APIChat:
		path = "/chat/completions"
	case APIResponses:
		path = "/responses"
	case APIEmbeddings:
		path = "/embeddings"
	case APIMessages:
		path = "/v1/messages"
		if u.kind == config.KindMock {
			path = "/messages"
		}
	}
	if u.kind == config.KindAzure {
		return u.base + "/openai/deployments/" + url.PathEscape(model) + path + "?api-version=" + url.QueryEscape(u.azureVer)
	}
	return u.base + path
}

// Send makes one call, without retries. The response body must be closed;
// closing it also ends the call's total timeout. A non-2xx response is
// returned as a response, not an error.
func (u *Upstream) Send(ctx context.Context, api API, model string, body []byte) (*http.Response, error) {
	ctx, cancel := context.WithTimeout(ctx, u.total)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.url(api, model), bytes.NewReader(body))
	if err != nil {
		cancel()
		return nil, fmt.Errorf("upstream %s: %w", u.name, err)
	}
	req.ContentLength = int64(len(body))
	h := req.Header
	for k, v := range u.headers {
		h[k] = v
	}
	h["Content-Type"] = contentTypeJSON
	if u.authKey != "" {
		h[u.authKey] = u.authVal
	}
	if api == APIMessages {
		h["Anthropic-Version"] = u.anthVals
	}
	if trace.SpanContextFromContext(ctx).IsValid() {
		// Tracing is on: the upstream's spans (vLLM, a proxy) join the trace.
		traceContext.Inject(ctx, propagation.HeaderCarrier(h))
	}
	resp, err := u.rt.RoundTrip(req)
	if err != nil {
		cancel()
		// Never include the URL's query (Azure api-version is harmless, but
		// stay strict) or headers; the net error text is enough.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, fmt.Errorf("upstream %s: %w", u.name, err)
	}
	resp.Body = &cancelBody{ReadCloser: resp.Body, cancel: cancel}
	return resp, nil
}

type cancelBody struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (b *cancelBody) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}
