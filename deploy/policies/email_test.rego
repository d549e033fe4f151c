package bulwark.tools_test

import data.bulwark.tools

email(args) := {"principal": {"roles": []}, "tool": {"name": "send_email", "annotations": {}}, "arguments": args}

test_internal_email_allowed if {
	count(tools.deny) == 0 with input as email({"to": "alice@example.com", "cc": ["bob@corp.example.com"]})
	tools.allow with input as email({"to": "alice@example.com"})
}

test_external_email_denied if {
	"email to external recipients is not allowed" in tools.deny with input as email({"to": "alice@example.com", "bcc": ["x@evil.test"]})
}

test_uppercase_domain_normalised if {
	count(tools.deny) == 0 with input as email({"to": "Alice@EXAMPLE.com"})
}

test_lookalike_domain_denied if {
	"email to external recipients is not allowed" in tools.deny with input as email({"to": "a@example.com.evil.test"})
}

test_no_recipients_denied if {
	"email without recipients is not allowed" in tools.deny with input as email({"subject": "hi"})
}
