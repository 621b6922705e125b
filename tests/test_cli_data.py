"""`python -m weather_core demo` and `prepare`: JSON on stdout, one-line errors, exit status 2."""

import json
import os
import subprocess
import sys
import zipfile

import pytest

from weather_core import CLASSES, settings
from weather_core.cli import main


def run_cli(*args):
    """The real command in a child process, as users and the dashboard run it."""
    return subprocess.run([sys.executable, "-m", "weather_core", *map(str, args)], capture_output=True,
                          text=True, cwd=settings.PROJECT_ROOT, env=os.environ.copy(), timeout=120)


def test_demo_then_prepare_json(tmp_path):
    result = run_cli("demo", "--out", tmp_path / "raw", "--per-class", 5, "--seed", 3, "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"out_dir": str(tmp_path / "raw"), "images": 20, "per_class": 5,
                                         "seed": 3}

    result = run_cli("prepare", tmp_path / "raw", "--out", tmp_path / "prep", "--json")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)  # exactly one JSON object, nothing else on stdout
    assert {"classes", "splits", "skipped", "health"} <= set(summary)
    assert summary["classes"] == {c: 5 for c in CLASSES}
    assert summary["splits"]["train"] == {c: 3 for c in CLASSES}  # int(5 * 0.7)
    assert summary == json.loads((tmp_path / "prep" / "prepared.json").read_text())
    # its progress went to standard error, one JSON object per line, every stage to its end
    progress = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    last = {row["stage"]: (row["done"], row["total"]) for row in progress}
    assert list(last) == ["decode", "hash", "split", "health"] and last["decode"] == (20, 20)


def test_prepare_with_the_reports_ratio_and_a_human_summary(demo_raw, tmp_path, capsys):
    code = main(["prepare", str(demo_raw), "--out", str(tmp_path / "prep"), "--ratio", "0.7", "0.3",
                 "--seed", "1"])
    out = capsys.readouterr().out
    assert code == 0
    assert "Sorted 48 photos: cloudy 12, rain 12, shine 12, sunrise 12" in out
    assert "Split (ratio 0.7/0.3, seed 1): train 32, val 16" in out
    assert sorted(p.name for p in (tmp_path / "prep" / "split").iterdir()) == ["train", "val"]


def test_human_summary_lists_skipped_files(demo_raw, tmp_path, capsys):
    src = tmp_path / "src"
    src.mkdir()
    for path in sorted(demo_raw.iterdir())[:20]:
        (src / path.name).write_bytes(path.read_bytes())
    (src / "notes.txt").write_text("x")
    assert main(["prepare", str(src), "--out", str(tmp_path / "prep")]) == 0
    assert "  notes.txt: not an image file (.txt)" in capsys.readouterr().out


def error_line(result):
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    return lines[0]


def test_missing_source_is_one_line_and_exit_2(tmp_path):
    result = run_cli("prepare", tmp_path / "nowhere", "--out", tmp_path / "prep", "--json")
    assert result.returncode == 2
    assert "source not found" in error_line(result)


@pytest.mark.parametrize("ratio,message", [(["0.6", "0.3"], "sum to 1"), (["0.5", "0.25", "0.25", "0"], "2 (train val)")])
def test_bad_ratio_is_one_line(demo_raw, tmp_path, capsys, ratio, message):
    assert main(["prepare", str(demo_raw), "--out", str(tmp_path / "prep"), "--ratio", *ratio]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and message in captured.err and len(captured.err.splitlines()) == 1


def test_zip_escape_is_one_line(tmp_path):
    with zipfile.ZipFile(tmp_path / "evil.zip", "w") as archive:
        archive.writestr("../../evil.jpg", b"x")
    result = run_cli("prepare", tmp_path / "evil.zip", "--out", tmp_path / "prep")
    assert result.returncode == 2
    assert "unsafe path in zip: '../../evil.jpg'" in error_line(result)
    assert not (tmp_path.parent / "evil.jpg").exists()


def test_folder_without_class_names_is_one_line(tmp_path, capsys):
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "notes.txt").write_text("x")
    assert main(["prepare", str(tmp_path / "src"), "--out", str(tmp_path / "prep")]) == 2
    assert "no photos whose name contains cloudy/rain/shine/sunrise" in capsys.readouterr().err


def test_unknown_command_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["train-everything"])
    assert exit_info.value.code == 2
