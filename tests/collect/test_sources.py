"""URL lists and feeds."""

from __future__ import annotations

import pytest

from analysis.collect.sources import parse_feed, read_url_list
from analysis.core.errors import InputFileError


def test_text_url_list_with_comments_duplicates_and_bad_lines(tmp_path):
    path = tmp_path / "urls.txt"
    path.write_text("# October 2019 coverage\nhttps://a.example/1\n\nftp://b.example/2\nhttps://a.example/1\n"
                    "https://c.example/3  # wire copy\nhttp://[::1\n")
    rows, problems = read_url_list(path, outlet="X")
    assert rows["url"].tolist() == ["https://a.example/1", "https://c.example/3"]
    assert set(rows["outlet"]) == {"X"}
    assert [str(p) for p in problems] == ["urls.txt:4: not an http(s) URL: 'ftp://b.example/2'; skipped",
                                          "urls.txt:5: duplicate URL https://a.example/1; kept the first",
                                          "urls.txt:7: not a valid URL: 'http://[::1'; skipped"]


def test_csv_url_list_like_a_media_cloud_export(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text('stories_id,URL,title,publish_date,outlet\n1,https://a.example/x,"A, title",2019-10-08,Reuters\n'
                    "2,,no url,2019-10-08,AFP\n")
    rows, problems = read_url_list(path)
    assert rows[["url", "outlet", "title"]].values.tolist() == [["https://a.example/x", "Reuters", "A, title"]]
    assert [str(p) for p in problems] == ["export.csv:3: not an http(s) URL: ''; skipped"]


def test_csv_without_url_column_is_an_error(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("link,title\nhttps://a.example,x\n")
    with pytest.raises(InputFileError, match="needs a 'url' column"):
        read_url_list(path)


RSS = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>Example Wire</title>
<item><title>US blacklists 28 entities</title><link>https://wire.example/a</link>
<pubDate>Tue, 08 Oct 2019 01:02:03 GMT</pubDate></item>
<item><title>No link</title></item>
<item><title>Dup</title><link>https://wire.example/a</link></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Atom Site</title>
<entry><title>Entry</title><link href="https://atom.example/e1"/><updated>2019-10-09T12:00:00Z</updated></entry></feed>"""


def test_rss_and_atom_feeds():
    rss = parse_feed(RSS)
    assert rss[["url", "outlet", "title", "published"]].values.tolist() == [
        ["https://wire.example/a", "Example Wire", "US blacklists 28 entities", "2019-10-08T01:02:03+00:00"]]
    atom = parse_feed(ATOM, outlet="Given")
    assert atom[["url", "outlet", "published"]].values.tolist() == [
        ["https://atom.example/e1", "Given", "2019-10-09T12:00:00+00:00"]]


def test_garbage_feed_is_an_error_naming_the_feed():
    with pytest.raises(InputFileError, match=r"^https://x.example/feed: no entries with http\(s\) links"):
        parse_feed(b"<html>not a feed", feed_url="https://x.example/feed")
