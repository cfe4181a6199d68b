"""Layer 4: views: words, text tables, JSON payloads and figures (nothing computed here)."""
