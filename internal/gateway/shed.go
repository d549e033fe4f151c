package gateway

import (
	"net/http"
	"strconv"
)

// retryAfterOverload is the Retry-After (seconds) sent with a shed request.
const retryAfterOverload = 1

// errOverloaded is the answer to a request over server.max_in_flight.
var errOverloaded = &apiError{status: http.StatusServiceUnavailable, oaType: "server_error", code: "overloaded", anType: "overloaded_error",
	msg: "the gateway is overloaded; retry later", reason: "overload"}

// limit wraps a model-API handler with the global in-flight limit
// (server.max_in_flight): a request over it is refused at once with 503,
// Retry-After and the API's own error shape, before its body is read, so
// memory stays bounded however many clients pile on.
func (g *Gateway) limit(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		max := int64(g.state.Load().Config.Server.MaxInFlight)
		if max <= 0 {
			h(w, r)
			return
		}
		n := g.inFlight.Add(1)
		defer g.inFlight.Add(-1)
		if n > max {
			g.shed(w, r)
			return
		}
		h(w, r)
	}
}

// shed refuses a request for overload. It does as little as possible: no
// span, no audit event, no log line (a flood of them is what overload
// does not need); it is counted in the metrics.
func (g *Gateway) shed(w http.ResponseWriter, r *http.Request) {
	wf, api := wireOpenAI, "chat"
	switch r.URL.Path {
	case "/v1/messages":
		wf, api = wireAnthropic, "messages"
	case "/v1/responses":
		api = "responses"
	case "/v1/embeddings":
		api = "embeddings"
	case "/v1/models":
		api = "models"
		if r.Header.Get("anthropic-version") != "" {
			wf = wireAnthropic
		}
	}
	w.Header().Set("Retry-After", strconv.Itoa(retryAfterOverload))
	writeError(w, wf, errOverloaded)
	g.metrics.block(errOverloaded.reason, 1)
	g.metrics.count(api, errOverloaded.status)
}

// InFlight returns the number of model-API requests being served.
func (g *Gateway) InFlight() int64 { return g.inFlight.Load() }
