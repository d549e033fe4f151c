package audit

// Constructors for control-plane events. Record them with Log.Record; they
// carry no secrets (key ids, never keys; config versions, never contents).

// ConfigReload records a configuration reload to version by actor.
func ConfigReload(actor, version string) *Event {
	return &Event{Kind: KindControl, Action: "config.reload", Actor: actor, Target: "config",
		Details: map[string]string{"version": version}}
}

// KeyChange records a gateway key change (change: "create", "revoke",
// "rotate", ...) by actor. keyID is the non-secret key identifier.
func KeyChange(actor, keyID, change string) *Event {
	return &Event{Kind: KindControl, Action: "key." + change, Actor: actor, Target: "key:" + keyID, KeyID: keyID}
}

// PolicyDecision records a policy decision (allow, deny, require_approval)
// on a tool call by an agent.
func PolicyDecision(agent, tool, decision, reason string) *Event {
	return &Event{Kind: KindDecision, Action: "tool.call", Agent: agent, Target: "tool:" + tool,
		Tools: []string{tool}, Decision: decision, Reason: reason}
}

// Approval records a human approval decision ("approved", "denied") by
// approver on target (e.g. an approval request id).
func Approval(approver, target, decision, reason string) *Event {
	return &Event{Kind: KindApproval, Action: "approval." + decision, Actor: approver, Target: target,
		Decision: decision, Reason: reason}
}

// KillSwitch records a kill switch change on target (e.g. "agent:billing-bot")
// to state ("killed" or "restored") by actor.
func KillSwitch(actor, target, state string) *Event {
	return &Event{Kind: KindControl, Action: "kill." + state, Actor: actor, Target: target}
}
