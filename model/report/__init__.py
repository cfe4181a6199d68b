"""Layer 5: the report: computed results, sections, rendering and executed notebooks."""
