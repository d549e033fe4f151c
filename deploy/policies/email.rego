# No external email: email tools may only send to the organisation's own
# domains. Every recipient in to, cc and bcc (a string or a list) is checked.
package bulwark.tools

email_tool if input.tool.name in data.bulwark.email.tools

recipients contains lower(r) if {
	some field in ["to", "cc", "bcc"]
	r := input.arguments[field]
	is_string(r)
}

recipients contains lower(r) if {
	some field in ["to", "cc", "bcc"]
	some r in input.arguments[field]
	is_string(r)
}

internal_address(addr) if {
	parts := split(addr, "@")
	count(parts) == 2
	parts[1] in data.bulwark.email.internal_domains
}

deny contains "email to external recipients is not allowed" if {
	email_tool
	some r in recipients
	not internal_address(r)
}

deny contains "email without recipients is not allowed" if {
	email_tool
	count(recipients) == 0
}
