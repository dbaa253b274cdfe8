"""service.files: an output is either the old file or the whole new one, never a part."""

from __future__ import annotations

import os

import pytest

from service.files import TEMP_SUFFIX, temp_name, temp_owner, write_atomically


def test_write_creates_the_folder_and_replaces_the_file(tmp_path):
    target = tmp_path / "new" / "报备材料.zip"
    write_atomically(target, b"first")
    write_atomically(target, b"second")
    assert target.read_bytes() == b"second"
    assert [p.name for p in target.parent.iterdir()] == ["报备材料.zip"]


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "out"
    target.mkdir()  # a folder where the file should go: the final rename fails
    (target / "keep").write_bytes(b"old")
    with pytest.raises(OSError):
        write_atomically(target, b"new")
    assert (target / "keep").read_bytes() == b"old"
    assert not list(tmp_path.glob(f"*{TEMP_SUFFIX}"))


def test_temporary_names_carry_their_writer():
    name = temp_name("a.b.zip", os.getpid())
    assert name.startswith(".a.b.zip.") and name.endswith(TEMP_SUFFIX)
    assert temp_owner(name) == str(os.getpid())
    assert temp_name("*", "*") == f".*.*{TEMP_SUFFIX}"
