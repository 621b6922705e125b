"""Safe zip extraction: folders kept, junk dropped, escaping paths, links and bombs refused."""

import zipfile

import pytest

from weather_core.data import archive
from weather_core import data
from weather_core.data import DataError
from support import jpeg_bytes, make_zip, tree


def test_extract_zip_keeps_folders_and_drops_macos_junk(tmp_path):
    archive = make_zip(tmp_path / "mwd.zip", {
        "mwd/": b"", "mwd/cloudy1.jpg": jpeg_bytes(), "mwd/rain1.jpg": jpeg_bytes(),
        "__MACOSX/mwd/._cloudy1.jpg": b"junk",
    })
    out = data.extract_zip(archive, tmp_path / "out")
    assert tree(out) == ["mwd/cloudy1.jpg", "mwd/rain1.jpg"]


@pytest.mark.parametrize("name", ["../evil.jpg", "mwd/../../evil.jpg", "/tmp/evil.jpg", "..\\evil.jpg",
                                  "C:/evil.jpg"])
def test_extract_zip_refuses_paths_escaping_the_folder(tmp_path, name):
    archive = make_zip(tmp_path / "bad.zip", {"cloudy1.jpg": jpeg_bytes(), name: b"payload"})
    with pytest.raises(DataError, match="unsafe path") as error:
        data.extract_zip(archive, tmp_path / "deep" / "out")
    assert repr(name) in str(error.value)
    assert not (tmp_path / "deep" / "out").exists()  # checked before anything is written
    assert not list(tmp_path.rglob("evil.jpg"))


def test_extract_zip_refuses_symlinks(tmp_path):
    link = zipfile.ZipInfo("cloudy2.jpg")
    link.external_attr = (0o120777 << 16)
    archive = make_zip(tmp_path / "link.zip", {"cloudy1.jpg": jpeg_bytes(), link: b"/etc/passwd"})
    with pytest.raises(DataError, match="symbolic link"):
        data.extract_zip(archive, tmp_path / "out")


def test_extract_zip_refuses_declared_bombs(tmp_path):
    archive = make_zip(tmp_path / "bomb.zip", {"cloudy1.jpg": b"\0" * (5 * 2**20)})
    assert archive.stat().st_size < 50_000
    with pytest.raises(DataError, match="expand"):
        data.extract_zip(archive, tmp_path / "out", max_total_bytes=2**20)
    assert not (tmp_path / "out").exists()
    with pytest.raises(DataError, match="entries"):
        data.extract_zip(archive, tmp_path / "out", max_files=0)


def _lie_about_size(archive_path, declared):
    """Rewrite the uncompressed size in the local and central headers (one-entry zip)."""
    raw = bytearray(archive_path.read_bytes())
    local = raw.index(b"PK\x03\x04")
    raw[local + 22: local + 26] = declared.to_bytes(4, "little")
    central = raw.index(b"PK\x01\x02")
    raw[central + 24: central + 28] = declared.to_bytes(4, "little")
    archive_path.write_bytes(bytes(raw))


def test_extract_zip_survives_a_lying_header(tmp_path):
    archive = make_zip(tmp_path / "liar.zip", {"cloudy1.jpg": b"\0" * (5 * 2**20)})
    _lie_about_size(archive, 100)
    with pytest.raises(DataError, match="damaged"):
        data.extract_zip(archive, tmp_path / "out", max_total_bytes=2**20)
    assert not (tmp_path / "out").exists()  # no half-extracted files left behind


def test_extract_zip_counts_the_bytes_it_really_writes(tmp_path, monkeypatch):
    # Pretend the header check was fooled; the byte counter while writing must still stop it.
    checked = archive._checked_members
    monkeypatch.setattr(archive, "_checked_members", lambda zipped, limit, n: checked(zipped, 2**40, n))
    bomb = make_zip(tmp_path / "bomb.zip", {"cloudy1.jpg": b"\0" * (5 * 2**20)})
    with pytest.raises(DataError, match="beyond"):
        data.extract_zip(bomb, tmp_path / "out", max_total_bytes=2**20)
    assert not (tmp_path / "out").exists()


def test_extract_zip_rejects_non_zips_and_busy_folders(tmp_path):
    (tmp_path / "fake.zip").write_text("not a zip")
    with pytest.raises(DataError, match="not a zip"):
        data.extract_zip(tmp_path / "fake.zip", tmp_path / "out")
    archive = make_zip(tmp_path / "ok.zip", {"cloudy1.jpg": jpeg_bytes()})
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "mine.txt").write_text("keep")
    with pytest.raises(DataError, match="not empty"):
        data.extract_zip(archive, tmp_path / "busy")
