package bulwark.tools_test

import data.bulwark.tools

injected := [{"scanner": "injection", "type": "INDIRECT_INJECTION", "action": "flag"}]

test_open_world_after_injection_denied if {
	some r in tools.deny with input as {"principal": {"roles": []}, "tool": {"name": "fetch", "annotations": {"open_world_hint": true}}, "findings": injected}
	contains(r, "prompt injection")
}

test_read_only_after_injection_allowed if {
	count(tools.deny) == 0 with input as {"principal": {"roles": []}, "tool": {"name": "search", "annotations": {"read_only_hint": true}}, "findings": injected}
}

test_open_world_without_findings_allowed if {
	count(tools.deny) == 0 with input as {"principal": {"roles": []}, "tool": {"name": "fetch", "annotations": {"open_world_hint": true}}, "findings": []}
}
