"""What-if: scenario answers (recompute, reweight, refit), in memory, attribution."""
