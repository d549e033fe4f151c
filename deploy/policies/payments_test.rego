package bulwark.tools_test

import data.bulwark.tools

pay(args) := {"principal": {"roles": []}, "tool": {"name": "transfer_funds", "annotations": {}}, "arguments": args}

test_small_payment_allowed if {
	count(tools.deny) == 0 with input as pay({"amount": 20, "currency": "EUR"})
	count(tools.require_approval) == 0 with input as pay({"amount": 20, "currency": "EUR"})
}

test_medium_payment_needs_approval if {
	"payments above 100 need approval" in tools.require_approval with input as pay({"amount": 250, "currency": "eur"})
	count(tools.deny) == 0 with input as pay({"amount": 250, "currency": "eur"})
}

test_large_payment_denied if {
	"payments above 10000 are not allowed" in tools.deny with input as pay({"amount": 50000, "currency": "EUR"})
	count(tools.require_approval) == 0 with input as pay({"amount": 50000, "currency": "EUR"})
}

test_negative_or_missing_amount_denied if {
	"payment amount must be a positive number" in tools.deny with input as pay({"amount": -5, "currency": "EUR"})
	"payment amount must be a positive number" in tools.deny with input as pay({"currency": "EUR"})
}

test_unknown_currency_denied if {
	"payment currency is not allowed" in tools.deny with input as pay({"amount": 5, "currency": "XBT"})
}

test_card_number_redacted if {
	{"op": "redact", "path": "/card_number"} in tools.obligations with input as pay({"amount": 5, "currency": "EUR", "card_number": "4111111111111111"})
}
