"""The report's "Where the experts disagree" when no expert file was given."""

from types import SimpleNamespace

import pytest

from model.experts.section import TITLE, experts_section
from model.report.render import Para


@pytest.mark.parametrize("payload", [None, {"experts": [], "problems": []}])
def test_no_expert_files_says_there_is_no_pool(payload):
    section = experts_section(SimpleNamespace(experts=payload, label=lambda name: name))
    assert section.title == TITLE
    (para,) = section.blocks
    assert isinstance(para, Para) and "No expert files were given" in para.text
    assert "--expert FILE" in para.text and "no pool to show" in para.text
