package bulwark.tools

allow if input.tool.name == "ok"
