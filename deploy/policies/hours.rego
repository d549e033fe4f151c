# Business hours: destructive tools outside business hours (in the engine's
# configured time zone) need a human approval.
package bulwark.tools

business_hours if {
	input.time.weekday in data.bulwark.hours.days
	input.time.hour >= data.bulwark.hours.start_hour
	input.time.hour < data.bulwark.hours.end_hour
}

require_approval contains "destructive tools outside business hours need approval" if {
	input.tool.annotations.destructive_hint
	not business_hours
}
