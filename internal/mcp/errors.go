package mcp

import (
	"errors"

	"github.com/bulwark-ai/bulwark/internal/guard"
)

func asBlocked(err error, target **guard.BlockedError) bool { return errors.As(err, target) }
