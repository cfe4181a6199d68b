"""The `feasibility` command: arguments, commands, exit codes."""
