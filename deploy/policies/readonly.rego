# Read-only agents: principals with a read-only role may only call tools that
# declare readOnlyHint, and never a tool that declares destructiveHint.
package bulwark.tools

readonly_principal if {
	some role in input.principal.roles
	role in data.bulwark.readonly_roles
}

deny contains "read-only agents may only call read-only tools" if {
	readonly_principal
	not input.tool.annotations.read_only_hint
}

deny contains "read-only agents may not call destructive tools" if {
	readonly_principal
	input.tool.annotations.destructive_hint
}
