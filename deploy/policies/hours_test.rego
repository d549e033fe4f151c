package bulwark.tools_test

import data.bulwark.tools

at(day, hour) := {
	"principal": {"roles": []},
	"tool": {"name": "drop_table", "annotations": {"destructive_hint": true}},
	"time": {"weekday": day, "hour": hour},
}

test_destructive_in_hours_allowed if {
	count(tools.require_approval) == 0 with input as at("Tuesday", 10)
}

test_destructive_at_night_needs_approval if {
	"destructive tools outside business hours need approval" in tools.require_approval with input as at("Tuesday", 23)
}

test_destructive_on_weekend_needs_approval if {
	"destructive tools outside business hours need approval" in tools.require_approval with input as at("Sunday", 11)
}

test_read_only_at_night_fine if {
	count(tools.require_approval) == 0 with input as {"principal": {"roles": []}, "tool": {"name": "search", "annotations": {"read_only_hint": true}}, "time": {"weekday": "Sunday", "hour": 3}}
}
