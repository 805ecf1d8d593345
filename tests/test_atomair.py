"""formatie.atomair: a file written whole or not at all, with the normal permissions."""

from __future__ import annotations

import os

import pytest

from formatie.atomair import schrijf_atomair


@pytest.fixture
def umask_027():
    vorige = os.umask(0o027)
    yield
    os.umask(vorige)


def test_the_file_gets_the_permissions_the_umask_gives(tmp_path, umask_027):
    pad = tmp_path / "uit.csv"
    schrijf_atomair(pad, lambda f: f.write(b"a;b\n"))
    assert pad.read_bytes() == b"a;b\n"
    assert pad.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["uit.csv"]


def test_a_failed_write_leaves_the_old_file_and_no_half_one(tmp_path):
    pad = tmp_path / "uit.csv"
    pad.write_bytes(b"oud")

    def half(f):
        f.write(b"nieuw maar ")
        raise RuntimeError("schijf vol")

    with pytest.raises(RuntimeError, match="schijf vol"):
        schrijf_atomair(pad, half)
    assert pad.read_bytes() == b"oud"
    assert [p.name for p in tmp_path.iterdir()] == ["uit.csv"]


def test_a_missing_folder_raises_oserror(tmp_path):
    with pytest.raises(FileNotFoundError):
        schrijf_atomair(tmp_path / "geen" / "uit.csv", lambda f: f.write(b"x"))
