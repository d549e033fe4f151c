package agent

import (
	"context"

	"github.com/bulwark-ai/bulwark/internal/audit"
)

// Auditor records audit events; the audit log implements it. A nil Auditor
// turns auditing off. An error from Record makes the action fail (fail
// closed): a decision that cannot be audited is not taken.
type Auditor interface {
	Record(ctx context.Context, ev *audit.Event) error
}
