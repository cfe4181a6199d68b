"""Views of the sensitivity payload: tables, figures and the terminal text."""

import pandas as pd

from model.views.sensitivity import sensitivity_figures, sensitivity_tables
from model.views.tables import format_sensitivity


def test_sentences_and_text(sensitivity_payload):
    sentences = sensitivity_payload.sentences
    assert set(sentences) == {"measures", "power_scaling", "flip_points"}
    assert sentences["measures"] and sentences["power_scaling"]
    assert all(isinstance(s, str) and s.endswith(".") for s in sensitivity_payload.all_sentences())
    assert any("EVPI" in s for s in sentences["measures"])
    assert not any("EVPI" in s for s in sentences["power_scaling"] + sentences["flip_points"])
    assert len(sentences["flip_points"]) == len(sensitivity_payload.flip_points)
    text = format_sensitivity(sensitivity_payload)
    for part in ("Per input", "Flip points", "power-scaling", "In plain words", "Method"):
        assert part in text
    assert "set-and-recompute" in sensitivity_payload["method"]["tornado"].lower()


def test_tables_and_figures(sensitivity_payload):
    tables = sensitivity_tables(sensitivity_payload)
    assert set(tables) == {"inputs", "tornado", "psense", "flip_points"}
    assert all(isinstance(t, pd.DataFrame) for t in tables.values())
    assert list(tables["inputs"]["input"]) == [r["input"] for r in sensitivity_payload["tornado"]]
    figures = sensitivity_figures(sensitivity_payload, n_top=5)
    assert set(figures) == {"tornado", "first_order", "evppi"}
