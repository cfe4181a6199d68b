"""The suite's memo: built once per key, read back after, built again when the key changes."""

import pickle

import pytest

import tests.memo as memo_module
from tests.memo import memo


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("FEASIBILITY_CACHE", str(tmp_path))
    return tmp_path / "memo"


def _counting(calls: list):
    def build(folder):
        calls.append(folder)
        (folder / "file.txt").write_text("written")
        return {"n": len(calls)}

    return build


def test_built_once_then_read_with_its_files(cache):
    calls: list = []
    build = _counting(calls)
    folder, value = memo("thing", build, inputs=(1,))
    again_folder, again = memo("thing", build, inputs=(1,))
    assert len(calls) == 1 and value == again == {"n": 1} and again_folder == folder
    assert (folder / "file.txt").read_text() == "written"
    assert folder.parent == cache


def test_new_inputs_or_code_rebuild_and_drop_the_old_version(cache, monkeypatch):
    calls: list = []
    build = _counting(calls)
    first, _ = memo("thing", build, inputs=(1,))
    second, value = memo("thing", build, inputs=(2,))
    assert len(calls) == 2 and value == {"n": 2} and second != first
    assert not first.exists()
    monkeypatch.setattr(memo_module, "code_digest", lambda: "another version of the code")
    third, _ = memo("thing", build, inputs=(2,))
    assert len(calls) == 3 and third != second and not second.exists()


def test_an_unfinished_or_damaged_memo_is_built_again(cache):
    calls: list = []
    build = _counting(calls)
    folder, _ = memo("thing", build)
    (folder / "value.pickle").write_bytes(b"not a pickle")
    _, value = memo("thing", build)
    assert len(calls) == 2 and value == {"n": 2}
    (folder / "value.pickle").unlink()  # as a run killed while building leaves it
    _, value = memo("thing", build)
    assert len(calls) == 3 and pickle.loads((folder / "value.pickle").read_bytes()) == value


def test_the_key_changes_with_any_source_file_but_not_with_bytecode(tmp_path, monkeypatch):
    from tests.memo import FILES, SOURCES

    for folder in SOURCES:
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "a.txt").write_text("one")
    for name in FILES:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("one")
    monkeypatch.setattr(memo_module, "ROOT", tmp_path)

    def digest():
        memo_module.code_digest.cache_clear()
        return memo_module.code_digest()

    try:
        before = digest()
        (tmp_path / "model" / "__pycache__").mkdir()
        (tmp_path / "model" / "__pycache__" / "a.pyc").write_text("compiled")
        assert digest() == before
        for changed in [f"{folder}/a.txt" for folder in SOURCES] + list(FILES):
            (tmp_path / changed).write_text("two")
            assert digest() != before, changed
            (tmp_path / changed).write_text("one")
        assert digest() == before
    finally:
        memo_module.code_digest.cache_clear()
