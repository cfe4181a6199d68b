"""Layer 3: analysis of posterior draws: outcomes, intervals, what-if, decision, timing."""
