# Payment limits: payments above approval_above need a human approval, above
# deny_above they are refused, and only known currencies are accepted. Card
# numbers never reach the payment tool's logs: the argument is redacted.
package bulwark.tools

payment_tool if input.tool.name in data.bulwark.payments.tools

amount := to_number(input.arguments.amount) if payment_tool

deny contains "payment amount must be a positive number" if {
	payment_tool
	not positive_amount
}

positive_amount if amount > 0

deny contains sprintf("payments above %v are not allowed", [data.bulwark.payments.deny_above]) if {
	amount > data.bulwark.payments.deny_above
}

deny contains "payment currency is not allowed" if {
	payment_tool
	not upper(input.arguments.currency) in data.bulwark.payments.currencies
}

require_approval contains sprintf("payments above %v need approval", [data.bulwark.payments.approval_above]) if {
	amount > data.bulwark.payments.approval_above
	amount <= data.bulwark.payments.deny_above
}

obligations contains {"op": "redact", "path": "/card_number"} if {
	payment_tool
	input.arguments.card_number
}
