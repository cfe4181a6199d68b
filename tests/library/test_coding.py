"""Double coding: Cohen's kappa and the per-column agreement table."""

import numpy as np
import pandas as pd
import pytest

from model.library.coding import agreement, agreement_markdown, cohen_kappa


def test_kappa_of_a_textbook_table():
    # 50 items: both yes 20, both no 15, first yes / second no 5, first no / second yes 10:
    # p_o = 0.7, p_e = 0.5 * 0.6 + 0.5 * 0.4 = 0.5, kappa = 0.4.
    first = ["1"] * 25 + ["0"] * 25
    second = ["1"] * 20 + ["0"] * 5 + ["1"] * 10 + ["0"] * 15
    assert cohen_kappa(first, second) == pytest.approx(0.4)
    assert cohen_kappa(first, first) == pytest.approx(1.0)
    assert np.isnan(cohen_kappa(["1", "1"], ["1", "1"]))


def test_empty_is_a_code_of_its_own():
    assert cohen_kappa(["", "1", "0"], ["0", "1", "0"]) < 1.0


def test_agreement_per_column():
    first = pd.DataFrame(
        {
            "id": ["a", "b", "c"],
            "as_of": ["2000-01-01", "2000-02-01", "2000-03-01"],
            "enacted": ["1", "0", ""],
            "size_musd": ["100", "", "50"],
            "episode": ["a", "b", "c"],
        }
    )
    second = pd.DataFrame(
        {
            "id": ["c", "a"],
            "as_of": ["2000-03-11", "2000-01-01"],
            "enacted": ["", "1"],
            "size_musd": ["40", "100"],
            "episode": ["c", "a"],
        }
    )
    table = agreement(first, second).set_index("column")
    assert table.loc["as_of", "n"] == 2 and table.loc["as_of", "agree"] == 1
    assert table.loc["as_of", "mean_days"] == 5 and table.loc["as_of", "max_days"] == 10
    assert table.loc["as_of", "differ"] == "c"
    assert table.loc["enacted", "kappa"] == pytest.approx(1.0)
    assert table.loc["size_musd", "max_rel_diff"] == pytest.approx(0.2)
    text = agreement_markdown(agreement(first, second))
    assert text.startswith("| column | kind |") and "| as_of | date | 2 | 1 |" in text


def test_the_agreement_table_in_the_manual_is_the_two_codings():
    from model.constants import CASES_FILE
    from model.library.coding import AGREEMENT_END, AGREEMENT_START, agreement_block

    data = CASES_FILE.parent
    first, second = (
        pd.read_csv(data / f"double_coding_{n}.csv", dtype=str, keep_default_na=False)
        for n in ("first", "second")
    )
    text = (data / "cases.md").read_text()
    block = text[text.index(AGREEMENT_START) : text.index(AGREEMENT_END) + len(AGREEMENT_END)]
    assert block == agreement_block(first, second)
    assert len(second) == 8 and set(second["id"]) <= set(first["id"])
