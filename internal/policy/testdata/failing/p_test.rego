package bulwark.tools_test

import data.bulwark.tools

test_passes if {
	tools.allow with input as {"tool": {"name": "ok"}}
}

test_fails if {
	tools.allow with input as {"tool": {"name": "nope"}}
}
