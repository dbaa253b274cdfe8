"""Fonts: an installed official face always wins over its substitute, and `wenping fonts` says which prints what.

The official faces are licensed, so the test makes one: a free TrueType Kai face cut down to the test's characters
and renamed 仿宋_GB2312 with fontTools, put in a temporary WENPING_FONT_DIRS folder.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from fontTools import subset
from fontTools.ttLib import TTFont

from service.generate import generate
from service.pdf import Converter
from service.pdf.fonts import FONTS_CONF, resolve_fonts, template_font_names

from .test_pdf_converter import make_docx, needs_lo, pdf_fonts, pdf_text

UKAI = Path("/usr/share/fonts/truetype/arphic/ukai.ttc")  # fonts-arphic-ukai; its first face is AR PL UKai CN
PLANTED_PS_NAME = "PlantedFangSongGB2312"
TEXT = "某镇人民政府关于社会稳定风险评估的报告一二三四五六七八九十，。：；（）〔〕"


def plant_official_face(folder: Path, family: str = "仿宋_GB2312") -> Path:
    """A font file whose family is ``family``: AR PL UKai CN, subset to TEXT, renamed."""
    font = TTFont(UKAI, fontNumber=0)
    options = subset.Options()
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=TEXT + "ABC 0123456789")
    subsetter.subset(font)
    names = font["name"]
    for record in list(names.names):
        if record.nameID in (1, 3, 4, 6, 16, 17, 18, 21, 22):
            names.removeNames(nameID=record.nameID)
    for language in (0x409, 0x804):
        names.setName(family, 1, 3, 1, language)
        names.setName("Regular", 2, 3, 1, language)
        names.setName(family, 4, 3, 1, language)
    names.setName(PLANTED_PS_NAME, 6, 3, 1, 0x409)
    names.setName(f"{PLANTED_PS_NAME};test", 3, 3, 1, 0x409)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "planted-fangsong.ttf"
    font.save(path)
    return path


def test_templates_name_the_official_faces():
    names = template_font_names()
    for name in ("仿宋_GB2312", "方正小标宋简体", "黑体", "楷体_GB2312"):
        assert name in names


def test_fonts_conf_only_appends_substitutes():
    """Never a strong assignment that would replace an installed official face."""
    text = FONTS_CONF.read_text("utf-8")
    assert 'mode="assign" binding="strong"' not in text
    assert 'name="family" mode="assign"' not in text


def test_substitutes_are_the_closest_free_faces():
    report = resolve_fonts()
    assert report["仿宋_GB2312"]["face"] == "FandolFang" and report["仿宋_GB2312"]["substitute"] is True
    assert report["方正小标宋简体"]["face"] == "FandolSong Bold"
    assert report["黑体"]["face"] == "WenQuanYi Zen Hei"
    assert report["楷体_GB2312"]["face"] == "AR PL UKai CN"
    for found in report.values():
        assert Path(found["file"]).is_file()
        assert found["file"].endswith((".ttf", ".ttc")), found  # TrueType: embedded the same way every time


def test_a_planted_official_face_wins_in_the_report(tmp_path):
    planted = plant_official_face(tmp_path / "fonts")
    report = resolve_fonts([tmp_path / "fonts"])
    assert report["仿宋_GB2312"] == {"face": "仿宋_GB2312", "file": str(planted), "substitute": False}
    assert report["楷体_GB2312"]["substitute"] is True  # the others keep their substitutes


def wenping(*args, env=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "service.cli", *map(str, args)], capture_output=True, text=True,
        env={**os.environ, **(env or {})}, timeout=120,
    )


def test_fonts_command_reports_the_planted_face(tmp_path):
    planted = plant_official_face(tmp_path / "fonts")
    result = wenping("fonts", "--json", env={"WENPING_FONT_DIRS": str(tmp_path / "fonts")})
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["仿宋_GB2312"] == {"face": "仿宋_GB2312", "file": str(planted), "substitute": False}
    assert set(report) == set(template_font_names())
    human = wenping("fonts")
    assert "仿宋_GB2312 → FandolFang（替代字体）" in human.stdout
    assert "WENPING_FONT_DIRS" in human.stderr


@needs_lo
def test_the_pdf_embeds_a_planted_official_face(tmp_path):
    plant_official_face(tmp_path / "fonts")
    document = make_docx([("某镇人民政府关于社会稳定风险评估的报告", "仿宋_GB2312")])
    with Converter(font_dirs=[tmp_path / "fonts"]) as planted, Converter() as plain:
        with_face = planted.convert(document, "报告")
        without = plain.convert(document, "报告")
    assert "某镇人民政府关于社会稳定风险评估的报告" in pdf_text(with_face)
    names = [f["name"] for f in pdf_fonts(with_face)]
    assert any(name.endswith("+" + PLANTED_PS_NAME) for name in names), names
    assert not any("FandolFang" in name for name in names), names  # the stand-in is not used
    plain_names = [f["name"] for f in pdf_fonts(without)]
    assert any("FandolFang" in name for name in plain_names) and not any(PLANTED_PS_NAME in n for n in plain_names)


@needs_lo
def test_the_manifest_names_the_faces(sample_data):
    with Converter() as converter:
        package = generate(sample_data, pdf=True, only=["filing_form"], converter=converter)
    assert package.manifest["fonts"] == resolve_fonts()
    docx_only = generate(sample_data, only=["filing_form"])
    assert "fonts" not in docx_only.manifest
    with zipfile.ZipFile(__import__("io").BytesIO(package.data)) as archive:
        assert json.loads(archive.read("manifest.json"))["fonts"]["仿宋_GB2312"]["face"] == "FandolFang"
