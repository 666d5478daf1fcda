"""The headless-Chromium check itself: it must see a broken image and a console error when there is one.

The check on the real report is in test_default_study.py (it needs the default study's report)."""

from __future__ import annotations

from io import BytesIO

import matplotlib.pyplot as plt
from browser import keep_screenshot, render


def _png() -> bytes:
    fig, ax = plt.subplots(figsize=(1, 1))
    ax.plot([0, 1], [0, 1])
    buffer = BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    return buffer.getvalue()


def test_a_page_whose_images_load_renders_clean(tmp_path):
    (tmp_path / "figures").mkdir()
    (tmp_path / "figures" / "a.png").write_bytes(_png())
    page = tmp_path / "index.html"
    page.write_text('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>t</title></head>'
                    '<body><h1>新华社 report</h1><img src="figures/a.png" alt="a"></body></html>', encoding="utf-8")
    rendered = render(page)
    assert rendered.images == [("figures/a.png", True)]
    assert rendered.console_errors == []
    assert rendered.screenshot.startswith(b"\x89PNG")
    assert keep_screenshot(rendered, "render_check_clean.png").stat().st_size > 0


def test_a_missing_image_and_a_script_error_are_both_reported(tmp_path):
    page = tmp_path / "index.html"
    page.write_text('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>t</title></head><body>'
                    '<img src="figures/missing.png" alt="gone"><script>notDefined();</script></body></html>',
                    encoding="utf-8")
    rendered = render(page)
    assert rendered.broken_images == ["figures/missing.png"]
    assert any("missing.png" in m for m in rendered.console_errors)
    assert any("notDefined" in m for m in rendered.console_errors)
