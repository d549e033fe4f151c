// Package guard is the guardrail pipeline: the Scanner interface that every
// detector implements, the findings and actions they produce, and the
// per-request Session through which the gateway checks inputs, outputs and
// streams. It decides; it does not speak any wire format.
//
// Fail closed: a scanner that returns an error turns the verdict into a block
// (ErrScannerFailed) unless the operator marked that scanner fail-open.
package guard

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// Action is what the pipeline does about a finding. Actions are ordered by
// severity, so the verdict of a request is the maximum over its findings.
type Action int

// Actions, in increasing severity.
const (
	ActionAllow  Action = iota // nothing to do
	ActionFlag                 // allow, record the finding
	ActionRedact               // replace the span (typed placeholder or pseudonym) and allow
	ActionBlock                // refuse the request or end the stream
)

var actionNames = [...]string{"allow", "flag", "redact", "block"}

// String returns the action's config and JSON name.
func (a Action) String() string {
	if a < 0 || int(a) >= len(actionNames) {
		return fmt.Sprintf("action(%d)", int(a))
	}
	return actionNames[a]
}

// ParseAction parses a config name ("allow", "flag", "redact", "block").
// "pseudonymize" (a redact that the response restores, see Rule.Pseudonymize)
// and "neutralize" (a redact with the scanner's Finding.Replacement) are
// accepted as ActionRedact.
func ParseAction(s string) (Action, error) {
	if s == "pseudonymize" || s == "neutralize" {
		return ActionRedact, nil
	}
	for i, n := range actionNames {
		if s == n {
			return Action(i), nil
		}
	}
	return 0, fmt.Errorf("unknown action %q (want allow, flag, redact, pseudonymize, neutralize or block)", s)
}

// MarshalText implements encoding.TextMarshaler.
func (a Action) MarshalText() ([]byte, error) { return []byte(a.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (a *Action) UnmarshalText(b []byte) error {
	v, err := ParseAction(string(b))
	if err != nil {
		return err
	}
	*a = v
	return nil
}

// Stage says which side of the model a text is on.
type Stage int

// Stages.
const (
	StageInput  Stage = iota // request to the model
	StageOutput              // model response to the client
)

// Source is where a piece of text came from. Scanners use it to choose what to
// look for: direct injection in user turns, indirect injection in tool results
// and retrieved documents, leaks in outputs.
type Source string

// Sources.
const (
	SourceUser      Source = "user"
	SourceSystem    Source = "system"
	SourceAssistant Source = "assistant" // earlier assistant turns in the request
	SourceTool      Source = "tool"      // tool / function results
	SourceDocument  Source = "document"  // retrieved documents (RAG), files
	SourceOutput    Source = "output"    // the model's response
)

// Segment is one piece of text of an exchange, e.g. one message's text part.
// ID is chosen by the caller (the gateway) to map results back to its wire
// format; the pipeline only echoes it.
type Segment struct {
	ID     int
	Source Source
	Text   string
}

// Finding is one thing a scanner found. Start and End are byte offsets into
// the segment's original text (before normalization). A finding never carries
// the matched value itself: findings go to audit logs and headers.
type Finding struct {
	Scanner string  `json:"scanner"`
	Type    string  `json:"type"`
	Score   float64 `json:"score"`
	Start   int     `json:"start"`
	End     int     `json:"end"`
	// Segment is the Segment.ID the finding belongs to.
	Segment int    `json:"segment"`
	RuleID  string `json:"rule_id,omitempty"`
	// Action is what the pipeline's policy decided for this finding.
	Action Action `json:"action"`
	// Replacement, when set by the scanner, is the text that replaces the
	// span when the finding's action is redact (e.g. a neutralized link).
	// Empty means a typed placeholder such as "[EMAIL]". It is never
	// serialized and must not contain the matched value.
	Replacement string `json:"-"`
}

// Input is what a scanner is asked to look at.
type Input struct {
	Stage  Stage
	Source Source
	Text   string
	// Request describes the exchange the text belongs to; never nil when
	// called by a Session.
	Request *Request
}

// Request is what scanners may need to know about the exchange beyond the
// text itself. It is fixed when the Session begins.
type Request struct {
	App    string // application / tenant the key maps to
	Model  string // requested model name
	Stream bool
	// SystemPrompt is the request's system prompt as the client sent it,
	// for verbatim-leak detection on outputs.
	SystemPrompt string
	// ResponseSchema is the JSON Schema from response_format json_schema,
	// if the request asked for one (raw JSON).
	ResponseSchema []byte
	// CanaryToken is the per-request canary the Session made for
	// Session.Canary; "" until the gateway asks for one.
	CanaryToken string
}

// Scanner is a detector. Scan must be safe for concurrent use and must not
// retain Input.Text. It returns findings with Action unset; the Pipeline
// assigns actions from its policy.
type Scanner interface {
	Name() string
	Scan(ctx context.Context, in Input) ([]Finding, error)
}

// Windowed is implemented by scanners whose findings are local, so that
// streams can be checked with a bounded hold-back window instead of holding
// the whole output.
//
// Reach returns, for one request, the most bytes that one finding together
// with all the text its detection depends on (before and after it) can span:
// a finding starting at s is decided by text in [s-Reach, s+Reach) at most.
// It returns 0 when the scanner cannot find anything in this request (it is
// skipped in streams) and ReachWhole when it must see the whole text (e.g. a
// JSON Schema check). Scanners that do not implement Windowed are treated as
// having the pipeline's default reach (Options.Window).
type Windowed interface {
	Reach(req *Request) int
}

// ReachWhole is the Reach of a scanner that needs the whole text.
const ReachWhole = -1

// Holder is implemented by scanners that can see, at the end of an
// unfinished text, something that may still become a finding whose extent
// is not bounded by their reach (an unfinished URL whose host may yet turn
// out to be untrusted). Hold returns the offset in text from which a stream
// must emit nothing yet, or len(text) when nothing is pending. CheckOutput
// never calls it.
type Holder interface {
	Hold(req *Request, text string) int
}

// Verdict is the pipeline's decision for an exchange (or one stage of it).
type Verdict struct {
	Action   Action    `json:"action"`
	Findings []Finding `json:"findings"`
}

// Add merges findings into the verdict, raising its action as needed.
func (v *Verdict) Add(fs ...Finding) {
	for _, f := range fs {
		if f.Action > v.Action {
			v.Action = f.Action
		}
		v.Findings = append(v.Findings, f)
	}
}

// Header renders the verdict for the x-bulwark-verdict response header:
// the action and the distinct finding types, never values.
// Example: "redact; types=EMAIL,AWS_ACCESS_KEY".
func (v Verdict) Header() string {
	if len(v.Findings) == 0 {
		return v.Action.String()
	}
	seen := make(map[string]bool, len(v.Findings))
	var types []string
	for _, f := range v.Findings {
		if !seen[f.Type] {
			seen[f.Type] = true
			types = append(types, f.Type)
		}
	}
	return v.Action.String() + "; types=" + strings.Join(types, ",")
}

// ErrScannerFailed is returned (wrapped, as a *ScannerError) when a
// fail-closed scanner errors. The gateway must refuse the request.
var ErrScannerFailed = errors.New("guardrail scanner failed")

// ScannerError is the error of a fail-closed scanner. errors.Is(err,
// ErrScannerFailed) holds, and the scanner's own error stays reachable
// through errors.Is/As (context.DeadlineExceeded, a model-loading error) so
// that operators can tell a timeout from a broken model.
//
// Its Error text is meant for operators' logs, not for clients: it names the
// scanner and the stage and includes the cause's message, with every word
// of the message that also occurs in the scanned text replaced by "…" (a
// scanner that puts the offending input in its error must not copy a
// user's text or PII into the log), cut at 200 bytes.
type ScannerError struct {
	Scanner string
	Stage   Stage
	cause   error
	detail  string // the cause's message, scrubbed of the scanned text
}

// newScannerError wraps a scanner's error; text is what it scanned.
func newScannerError(scanner string, stage Stage, cause error, text string) *ScannerError {
	return &ScannerError{Scanner: scanner, Stage: stage, cause: cause, detail: scrubMessage(cause.Error(), text)}
}

func (e *ScannerError) Error() string {
	stage := "input"
	if e.Stage == StageOutput {
		stage = "output"
	}
	return e.Scanner + ": " + ErrScannerFailed.Error() + " on " + stage + ": " + e.detail
}

// Unwrap returns ErrScannerFailed and the scanner's error.
func (e *ScannerError) Unwrap() []error { return []error{ErrScannerFailed, e.cause} }

// maxErrorDetail bounds the cause's message in a ScannerError.
const maxErrorDetail = 200

// scrubMessage returns msg with every word (a run of bytes other than
// spaces, quotes, brackets and separators) of 3 or more bytes that occurs in
// text replaced by "…", and at most maxErrorDetail bytes of it.
func scrubMessage(msg, text string) string {
	if len(msg) > maxErrorDetail {
		cut := maxErrorDetail
		for cut > 0 && msg[cut]&0xC0 == 0x80 {
			cut-- // do not split a UTF-8 sequence
		}
		msg = msg[:cut] + "…"
	}
	sep := func(c byte) bool {
		return c <= ' ' || strings.IndexByte("\"'`()[]{}<>,;=|", c) >= 0
	}
	var b strings.Builder
	for i := 0; i < len(msg); {
		if sep(msg[i]) {
			b.WriteByte(msg[i])
			i++
			continue
		}
		j := i
		for j < len(msg) && !sep(msg[j]) {
			j++
		}
		w := msg[i:j]
		// A word's edges may be punctuation the text lacks ("smith." for
		// "Smith, …"): compare the word without trailing ':' '.' too.
		core := strings.TrimRight(w, ":.!?")
		if len(core) >= 3 && strings.Contains(text, core) || len(w) >= 3 && strings.Contains(text, w) {
			b.WriteString("…")
			b.WriteString(w[len(core):])
		} else {
			b.WriteString(w)
		}
		i = j
	}
	return b.String()
}

// BlockedError reports that the pipeline blocked an input or ended an output.
// Its Error text is safe to show to clients: it names finding types only.
type BlockedError struct {
	Stage   Stage
	Verdict Verdict
}

func (e *BlockedError) Error() string {
	stage := "request"
	if e.Stage == StageOutput {
		stage = "response"
	}
	var types []string
	seen := map[string]bool{}
	for _, f := range e.Verdict.Findings {
		if f.Action == ActionBlock && !seen[f.Type] {
			seen[f.Type] = true
			types = append(types, f.Type)
		}
	}
	if len(types) == 0 {
		return "bulwark blocked the " + stage
	}
	return "bulwark blocked the " + stage + ": " + strings.Join(types, ", ")
}
