"""The live what-if panel: Panel widgets over the in-memory what-if path."""
