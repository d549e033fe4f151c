// Package auth authenticates gateway API keys and maps them to principals.
// Keys are stored only as SHA-256 hashes; the plaintext exists only in the
// client's request.
package auth

// Principal is who is calling: the identity a key maps to, plus the end-user
// id the client may pass along. It never holds the key itself.
type Principal struct {
	KeyID   string   // stable, non-secret key identifier (e.g. "demo")
	App     string   // application
	Tenant  string   // tenant (defaults to App)
	Agent   string   // agent name, for agent keys (MCP and tool calls)
	EndUser string   // end-user id from the request (header or "user" field), if any
	Roles   []string // roles for policy decisions
	// Models the key may use; empty means all routed models.
	Models []string
}
