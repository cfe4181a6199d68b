"""The forecast as time passes: dated events and the survival update."""
