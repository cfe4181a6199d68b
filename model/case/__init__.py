"""Layer 1: a case as data: its schema, priors, overlays, design levers and evidence."""
