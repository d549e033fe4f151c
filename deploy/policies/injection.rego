# Injection seen: once a guardrail found a prompt injection in the exchange,
# tools that act on the outside world (open-world or destructive) are refused.
package bulwark.tools

injection_seen if {
	some f in input.findings
	f.type in {"PROMPT_INJECTION", "INDIRECT_INJECTION", "INJECTION", "JAILBREAK"}
}

deny contains "the conversation contained a prompt injection; outward-acting tools are disabled" if {
	injection_seen
	risky_tool
}

risky_tool if input.tool.annotations.open_world_hint
risky_tool if input.tool.annotations.destructive_hint
