package bulwark.tools_test

import data.bulwark.tools

reader := {"agent": "reporter", "roles": ["readonly"]}

test_readonly_may_read if {
	count(tools.deny) == 0 with input as {"principal": reader, "tool": {"name": "search", "annotations": {"read_only_hint": true}}}
}

test_readonly_may_not_write if {
	"read-only agents may only call read-only tools" in tools.deny with input as {"principal": reader, "tool": {"name": "delete_file", "annotations": {"destructive_hint": true}}}
}

test_readonly_unannotated_denied if {
	"read-only agents may only call read-only tools" in tools.deny with input as {"principal": reader, "tool": {"name": "mystery", "annotations": {}}}
}

test_other_roles_unaffected if {
	count(tools.deny) == 0 with input as {"principal": {"roles": ["ops"]}, "tool": {"name": "mystery", "annotations": {}}}
}
