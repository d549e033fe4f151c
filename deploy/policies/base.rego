# Base: every call that no other rule denies or holds is allowed.
#
# Without this file the engine denies by default ("no policy allows this
# call"); delete it to turn the example set into an allow-list policy where
# each permitted tool needs its own allow rule.
package bulwark.tools

allow if input.tool.name != ""
