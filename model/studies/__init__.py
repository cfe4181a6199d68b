"""Studies one could commission, and what each is worth (EVSI), in words."""
