"""Decoding by the WHATWG Encoding Standard: BOM, then Content-Type charset, then <meta> prescan, then UTF-8;
invalid bytes are replaced where they are, never the whole page re-read as cp1252."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, strategies as st
from typer.testing import CliRunner

from scrapers.decode import decode_body, sniff_encoding

MUENSTER = "<html><h1>University of Münster</h1></html>"


@pytest.mark.parametrize("content, content_type, expected_encoding, expected_text", [
    # one invalid UTF-8 byte: replaced where it is, the rest stays UTF-8
    (MUENSTER.encode() + b"\xff", "text/html", "utf-8", MUENSTER + "\ufffd"),
    (MUENSTER.encode() + b"\x96 more", "text/html; charset=utf-8", "utf-8", MUENSTER + "\ufffd more"),
    # the header wins over the meta tag; "iso-8859-1" is windows-1252 in the standard (0x96 is an en dash)
    ('<meta charset="utf-8"><p>Liège – 2025</p>'.encode("cp1252"), "text/html; charset=ISO-8859-1",
     "windows-1252", '<meta charset="utf-8"><p>Liège – 2025</p>'),
    # meta prescan, both spellings
    ('<meta charset="iso-8859-1"><p>Liège</p>'.encode("latin-1"), "text/html", "windows-1252",
     '<meta charset="iso-8859-1"><p>Liège</p>'),
    ('<meta http-equiv="Content-Type" content="text/html; charset=windows-1250"><p>Łódź</p>'.encode("cp1250"), "",
     "windows-1250", '<meta http-equiv="Content-Type" content="text/html; charset=windows-1250"><p>Łódź</p>'),
    # a BOM wins over the header and is not part of the text
    (b"\xef\xbb\xbf" + MUENSTER.encode(), "text/html; charset=windows-1252", "utf-8", MUENSTER),
    ("\ufeff<p>Zürich</p>".encode("utf-16le"), "text/html", "utf-16le", "<p>Zürich</p>"),
    # UTF-16 in a meta tag means UTF-8 (the tag was readable as ASCII); unknown labels are ignored
    ('<meta charset="utf-16"><p>Münster</p>'.encode(), "", "utf-8", '<meta charset="utf-16"><p>Münster</p>'),
    (MUENSTER.encode(), "text/html; charset=no-such-charset", "utf-8", MUENSTER),
    # a meta tag after the first 1024 bytes is not looked at
    (b" " * 1100 + '<meta charset="windows-1252">é'.encode("cp1252"), "", "utf-8",
     " " * 1100 + '<meta charset="windows-1252">\ufffd'),
])
def test_decoding_order_and_replacement(content, content_type, expected_encoding, expected_text):
    assert sniff_encoding(content, content_type) == expected_encoding
    assert decode_body(content, content_type) == expected_text


def test_robots_txt_has_no_meta_prescan():
    assert decode_body(b'<meta charset="windows-1252">\xc3\xa9', "text/plain", html=False).endswith("é")


@given(st.text(max_size=200), st.binary(max_size=5))
def test_valid_utf8_survives_any_stray_bytes_after_it(text, junk):
    body = text.encode() + b"\xff" + junk  # 0xff is never valid UTF-8
    assert decode_body(body, "text/html").startswith(text)


def test_prescan_is_linear_on_a_hostile_head():
    assert decode_body(b"<meta " * 50_000, "") .startswith("<meta ")


def test_parse_command_uses_the_same_decoder(tmp_path):
    """A saved page with one stray byte: the parser still reads the UTF-8 around it (King’s, not Kingâ€™s)."""
    from conftest import MIRROR
    from run_pipeline import app

    saved = MIRROR / "www.masterstudies.com/MA-in-Digital-Humanities/United-Kingdom/Kings-College-London/index.html"
    page = tmp_path / "page.html"
    page.write_bytes(saved.read_bytes().replace(b"</body>", b"\x96</body>"))
    result = CliRunner().invoke(app, ["parse", "masterstudies", str(page)])
    assert result.exit_code == 0, result.output
    out = json.dumps(json.loads(result.output), ensure_ascii=False)
    assert "King’s College London" in out and "â€" not in out


def test_fetched_page_with_a_stray_byte_keeps_its_utf8(server):
    import asyncio

    from programme_scout.settings import FetchSettings
    from scrapers.fetch import Fetcher

    async def go():
        async with Fetcher(FetchSettings(per_host_delay_s=0.0)) as fetcher:
            return await fetcher.fetch(f"{server.base}/stray-byte")

    text = asyncio.run(go()).text
    assert "University of Münster" in text and "\ufffdZürich" in text and "Ã" not in text
