"""The case's vocabulary, and a second, invented case with other arenas run with no code change."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from model.analysis.baseline import run_summary
from model.analysis.decision import rank_designs
from model.analysis.sensitivity.summary import sensitivity
from model.case.priors import load_priors
from model.case.vocabulary import Vocabulary, in_sentence, read_vocabulary
from model.errors import InputError
from model.inference.fit import fit
from model.inference.settings import Settings
from model.views.tables import format_table
from model.views.words import recommendation
from tests.conftest import SMALL

SECOND = Path(__file__).parents[1] / "fixtures" / "second_case" / "priors.toml"
FIRST_CASE_WORDS = re.compile(r"Mexic|Congress|\bUS\b|Washington")


def test_generic_words_when_the_file_gives_none():
    vocab = Vocabulary()
    assert vocab.outcome_labels()["p_accepted"] == "The partner accepts"
    assert vocab.label("oppose_funds") == "the partner's public's opposition to the funds component"
    assert vocab.label("us_size_per_100m") == (
        "The legislature's reaction to each extra USD 100M of package size"
    )
    assert vocab.evidence_for("anything") == "expert elicitation"


def test_longest_prefix_decides_the_evidence(baseline_priors):
    vocab = baseline_priors.vocabulary
    assert "Mexican poll closer" in vocab.evidence_for("opinion_shift")
    assert "whip count" in vocab.evidence_for("us_arms_commitment")
    assert vocab.evidence_for("duration_sigma") == vocab.evidence_for("duration_mu")


def test_in_sentence_keeps_acronyms():
    assert in_sentence("A US commitment") == "a US commitment"
    assert in_sentence("USD 250M a year") == "USD 250M a year"


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ({"vocabulary": {"colour": {}}}, "vocabulary.colour"),
        ({"vocabulary": {"words": {"donr": "x"}}}, "vocabulary.words.donr"),
        ({"vocabulary": {"words": {"donor": ""}}}, "vocabulary.words.donor"),
        ({"vocabulary": {"labels": {"nope": "x"}}, "params": {}}, "vocabulary.labels.nope"),
        ({"case": {"arenas": {"donor": "US!"}}}, "case.arenas.donor"),
        ({"case": {"arenas": {"donor": "mx"}}}, "case.arenas"),
        ({"case": {"arenas": {"sponsor": "us"}}}, "case.arenas.sponsor"),
    ],
)
def test_bad_vocabulary_is_one_line_naming_the_key(raw, key):
    with pytest.raises(InputError) as err:
        read_vocabulary("priors.toml", raw)
    assert err.value.key == key
    assert "\n" not in err.value.line()


@pytest.fixture(scope="module")
def second_fit():
    priors = load_priors(SECOND)
    return fit(priors, settings=Settings(**SMALL))  # cached: the key is this case's own


def test_second_case_speaks_its_own_words(second_fit):
    summary = run_summary(second_fit)
    assert summary["labels"]["p_enacted"] == "The Ruritanian Diet enacts in time"
    assert summary["labels"]["p_accepted"] == "Freedonia accepts"
    text = format_table(summary)
    assert "Ruritanian Diet" in text and not FIRST_CASE_WORDS.search(text)
    assert 0 < summary["p_deal"]["mean"] < summary["p_enacted"]["mean"]


def test_second_case_levers_use_its_own_arena_prefixes(second_fit):
    ranking = rank_designs(second_fit)
    assert set(ranking.loc[~ranking["is_baseline"], "size"]) == {"small", "large"}
    large = ranking[(ranking["size"] == "large") & ~ranking["is_baseline"]].iloc[0]
    small = ranking[(ranking["size"] == "small") & ~ranking["is_baseline"]].iloc[0]
    assert large["p_enacted_mean"] < small["p_enacted_mean"]  # the Diet dislikes size
    assert large["p_accepted_mean"] > small["p_accepted_mean"]  # Freedonia likes it
    assert "Ask for" in recommendation(second_fit, ranking)


def test_second_case_sensitivity_sentences_name_its_arenas(second_fit):
    result = sensitivity(second_fit, psense=False)
    sentences = " ".join(result.all_sentences())
    assert not FIRST_CASE_WORDS.search(sentences)
    assert result.resolved_by["ru_size_per_100m"] == "a head count in the Diet"
    assert result.labels["fr_size_per_100m"] == "Freedonia's reaction to RUB 300M a year"
