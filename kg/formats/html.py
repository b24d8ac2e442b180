"""HTML pages: the article text, the page's metadata, and citation-bearing boilerplate apart.

A page is read in five steps:

1. **Decode** the bytes like a plain text (:func:`kg.encodings.decode_vietnamese`: UTF-8,
   UTF-16, Windows-1258, TCVN3, VNI), falling back to the charset the page declares; parse with
   lxml's HTML parser (which copes with the tag soup of old portals).
2. **Metadata** from the ``<head>`` and the page: title (``og:title``, ``twitter:title``, the
   article's ``<h1>``, ``<title>``), publication date and time (``article:published_time`` and
   the like, ``<time datetime>``, else a date line such as "Thứ hai - 22/06/2020 23:04"),
   author (a "Nguồn tin: ..." line, else ``<meta name="author">``), site (``og:site_name``,
   else the host of the URL) and URL (``<link rel="canonical">``, else ``og:url``).
3. **Prune boilerplate** that is recognisable on its own, before looking for the article:
   invisible and non-text elements (scripts, forms' controls, ``hidden``, ``display:none``);
   ``<nav>``, ``<aside>``, page-level ``<header>``/``<footer>`` and ARIA landmarks for them;
   elements whose class or id names a menu, sidebar, footer, widget, counter, share bar or
   related-news box (unless it also names content: "content", "article", "main", ...); blocks
   headed by a sidebar heading of Vietnamese portals ("Văn bản mới", "Tin liên quan",
   "Thống kê truy cập", ...); visitor-counter lines ("Lượt truy cập: 1.234.567").
4. **Locate the article** with readability-lxml (the Arc90 Readability scoring of paragraphs and
   their containers).  Readability is only asked *where* the article is: its own cleaned output
   drops link-heavy lists and tables, which in Vietnamese pages are exactly the lists of cited
   documents ("Căn cứ ..." with hyperlinks).  Every element is tagged with an id before the
   page is handed over; the ids of the elements readability returns name the article's
   elements in our own tree, whose whole text is then kept.
5. **Sidebar**: every line of the page outside the article (pruned blocks included) in which
   :func:`kg.extract.find_citations` finds a citation goes, once, into ``metadata["sidebar"]``
   (lines separated by newlines), so a caller can report those citations apart from the
   article's.

The text is the article's headline (when it is not already its first line), a blank line, and
the article's lines: one line per block element, table cells separated by tabs.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from kg.encodings import UnreadableTextError, decode_vietnamese
from kg.formats import one_line
from kg.models import ReadError, SourceText
from kg.normalize import normalize_text
from kg.read import find_author, find_published, iso_datetime, make_source

__all__ = ["read_html"]

_NON_TEXT_TAGS = (
    "script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "canvas",
    "map", "select", "button", "input", "textarea", "datalist", "video", "audio", "head",
)  # fmt: skip
_BLOCK_TAGS = frozenset(
    [
        "address", "article", "aside", "blockquote", "body", "caption", "center", "dd",
        "details", "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure",
        "footer", "form", "frameset", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup",
        "hr", "html", "legend", "li", "main", "menu", "nav", "ol", "p", "pre", "section",
        "summary", "table", "tbody", "tfoot", "thead", "tr", "ul",
    ]
)
_CELL_TAGS = frozenset({"td", "th"})
_HIDDEN_STYLE_RE = re.compile(r"(?:^|;)\s*(?:display\s*:\s*none|visibility\s*:\s*hidden)", re.I)
_LANDMARK_ROLES = frozenset(
    {"navigation", "banner", "contentinfo", "complementary", "search", "menu", "menubar"}
)
_BOILERPLATE_CLASS_RE = re.compile(
    r"(?:^|[\s_-])(?:nav|navbar|navigation|menu|mainmenu|topmenu|menutop|submenu|megamenu"
    r"|breadcrumbs?|footer|sidebar|widgets?|banners?|counters?|thongke|statistics?"
    r"|visitors?|share|sharing|social|comments?|binhluan|related|lienquan|tinkhac"
    r"|othernews|other-news|tin-khac|tin-lien-quan|adverts?|advertisement|ads|quangcao"
    r"|login|search|timkiem|copyright|tags|toolbar|pagination|pager)(?:$|[\s_-])",
    re.I,
)
_CONTENT_CLASS_RE = re.compile(
    r"article|content|main|detail|body|post|entry|story|noidung|noi-dung|chitiet|chi-tiet", re.I
)
# Headings of the boxes that portals put beside or below an article (lower case, NFC).  Words
# that could head a section of an article itself ("Thống kê", "Danh mục") are left out.
_SIDEBAR_HEADINGS = frozenset(
    [
        "văn bản mới", "văn bản mới ban hành", "văn bản mới nhất", "văn bản khác",
        "văn bản liên quan", "văn bản chỉ đạo", "văn bản chỉ đạo điều hành",
        "văn bản cùng lĩnh vực", "tin mới", "tin mới nhất", "tin mới cập nhật", "tin mới đăng",
        "tin liên quan", "tin cùng chuyên mục", "tin khác", "các tin khác", "các tin đã đưa",
        "tin đã đưa", "tin bài liên quan", "bài viết liên quan", "bài liên quan",
        "tin đọc nhiều", "đọc nhiều", "đọc nhiều nhất", "xem nhiều", "xem nhiều nhất",
        "tin xem nhiều", "tin nổi bật", "thống kê truy cập", "liên kết website",
        "liên kết web", "thăm dò ý kiến", "lịch công tác", "quảng cáo", "thư viện ảnh",
        "thư viện video", "hỗ trợ trực tuyến", "ý kiến bạn đọc", "gửi ý kiến",
    ]
)
_COUNTER_RE = re.compile(
    r"^(?:số\s+)?(?:lượt\s+truy\s+cập|tổng\s+(?:số\s+)?lượt\s+(?:truy\s+cập|xem)|lượt\s+xem"
    r"|đang\s+(?:truy\s+cập|online|trực\s+tuyến|xem)|trực\s+tuyến|online|hôm\s+nay|hôm\s+qua"
    r"|tuần\s+này|tuần\s+trước|tháng\s+này|tháng\s+trước|năm\s+nay|tất\s+cả|tổng\s+cộng"
    r"|khách|thành\s+viên|visitors?|visits|hits|truy\s+cập)\s*:?\s*[\d.,\s]*$",
    re.I,
)
_CHARSET_RE = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.I)
_XML_DECL_RE = re.compile(r"^\s*<\?xml[^>]*\?>")
_ID = "data-kg-id"

# readability logs a traceback when it gives up; the reader handles that case itself.
logging.getLogger("readability.readability").setLevel(logging.CRITICAL)


def read_html(raw: bytes, name: str) -> SourceText | ReadError:
    """Read an HTML page: its article as the text, its metadata, and the lines outside the
    article that cite documents as ``metadata["sidebar"]``."""
    try:
        import lxml.html
        from lxml import etree
    except ImportError:  # pragma: no cover - lxml is a dependency
        return ReadError(name, "reading HTML needs lxml (pip install lxml readability-lxml)")
    decoded = _decode(raw, name)
    if isinstance(decoded, ReadError):
        return decoded
    text, encoding = decoded
    if "\x00" in text:
        return ReadError(name, "not a text file: looks like binary data (a NUL character)")
    parser = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, huge_tree=True)
    try:
        root = lxml.html.document_fromstring(_XML_DECL_RE.sub("", text, count=1), parser=parser)
    except (etree.ParserError, ValueError) as exc:
        if not text.strip():
            return ReadError(name, "empty file")
        return ReadError(name, f"not an HTML page ({one_line(exc) or type(exc).__name__})")
    head = _head_metadata(root)
    body = root.find("body")
    if body is None:
        body = root
    _drop_invisible(root)
    pruned = _prune_boilerplate(body)
    page_lines = _lines(body)  # for a date or author line outside the article, not in a sidebar
    region = _locate_article(root, body)
    article_lines = [line for el in region for line in _lines(el)]
    outside = [*pruned, *_lines(body, skip=set(region))] if region != [body] else pruned
    if not any(line.strip() for line in article_lines):
        return ReadError(name, "no article text in the HTML page (only menus, sidebars, footers)")
    headline = head.headline or _first_heading(region, "h1", "h2") or _first_heading([body], "h1")
    meta = _page_metadata(head, headline, region, article_lines, page_lines)
    if headline and not _starts_with(article_lines, headline):
        article_lines = [headline, "", *article_lines]
    sidebar = _citing_lines(outside, exclude=set(article_lines))
    if sidebar:
        meta["sidebar"] = "\n".join(sidebar)
    meta["format"] = "html"
    return make_source(
        name,
        "\n".join(article_lines) + "\n",
        encoding=encoding,
        sha256=hashlib.sha256(raw).hexdigest(),
        metadata=meta,
    )


# --- decoding ------------------------------------------------------------------------------------


def _decode(raw: bytes, name: str) -> tuple[str, str] | ReadError:
    try:
        decoded = decode_vietnamese(raw)
    except UnreadableTextError as exc:
        m = _CHARSET_RE.search(raw[:4096])
        if m is not None and not str(exc).startswith("not a text file"):
            charset = m.group(1).decode("ascii").lower()
            try:
                return raw.decode(charset), charset
            except (LookupError, UnicodeDecodeError):
                pass
        return ReadError(name, str(exc))
    return decoded.text, decoded.encoding



# --- text of elements ----------------------------------------------------------------------------


@dataclass
class _LineBuilder:
    lines: list[str] = field(default_factory=list)
    cells: list[str] = field(default_factory=list)
    current: list[str] = field(default_factory=list)

    def add(self, text: str | None) -> None:
        if text:
            self.current.append(text)

    def cell_break(self) -> None:
        self.cells.append("".join(self.current))
        self.current = []

    def newline(self) -> None:
        parts = (" ".join(c.split()) for c in (*self.cells, "".join(self.current)))
        line = "\t".join(p for p in parts if p)
        if line:
            self.lines.append(line)
        self.cells = []
        self.current = []


def _lines(root: Any, skip: set[Any] | None = None) -> list[str]:
    """The text of an element as lines: one per block element (paragraph, list item, heading,
    table row), cells of a row separated by tabs, white space collapsed.  Elements in ``skip``
    are left out (their tails are kept)."""
    from lxml import etree

    out = _LineBuilder()
    pre = 0
    walker = etree.iterwalk(root, events=("start", "end"))
    for event, el in walker:
        tag = el.tag if isinstance(el.tag, str) else ""
        if event == "start":
            if skip and el in skip:
                out.newline()
                walker.skip_subtree()
                continue
            if not tag:
                walker.skip_subtree()
                continue
            if tag == "br":
                out.newline()
            elif tag in _CELL_TAGS and not _has_block(el):
                out.cell_break()
            elif tag in _BLOCK_TAGS or tag in _CELL_TAGS:
                out.newline()
            if tag == "pre":
                pre += 1
            _add_text(out, el.text, pre > 0)
        else:
            if tag == "pre":
                pre -= 1
            if tag in _CELL_TAGS and not _has_block(el):
                out.cell_break()
            elif tag in _BLOCK_TAGS or tag in _CELL_TAGS or (skip and el in skip):
                out.newline()
            if el is not root:
                _add_text(out, el.tail, pre > 0)
    out.newline()
    return out.lines


def _add_text(out: _LineBuilder, text: str | None, pre: bool) -> None:
    if not text:
        return
    if not pre:
        out.add(text)
        return
    first, *rest = text.split("\n")
    out.add(first)
    for part in rest:
        out.newline()
        out.add(part)


def _has_block(el: Any) -> bool:
    return any(
        isinstance(d.tag, str) and (d.tag in _BLOCK_TAGS or d.tag == "br")
        for d in el.iterdescendants()
    )


def _text(el: Any) -> str:
    """The text of an element with white space collapsed."""
    return " ".join(normalize_text(el.text_content()).split())


# --- pruning -------------------------------------------------------------------------------------


def _drop_invisible(root: Any) -> None:
    for el in list(root.iter(*_NON_TEXT_TAGS)):
        if el.getparent() is not None:
            el.drop_tree()
    for el in list(root.iter()):
        if not isinstance(el.tag, str) or el.getparent() is None:
            continue
        style = el.get("style")
        if (
            el.get("hidden") is not None
            or el.get("aria-hidden") == "true"
            or (style and _HIDDEN_STYLE_RE.search(style))
        ):
            el.drop_tree()


def _prune_boilerplate(body: Any) -> list[str]:
    """Remove the recognisable boilerplate from ``body``; return its lines, in page order."""
    body_chars = len(_text(body)) or 1
    doomed: list[Any] = []

    def holds_article(el: Any) -> bool:
        if el is body or el.tag in ("html", "body", "article", "main"):
            return True
        return el.find(".//article") is not None or el.find(".//main") is not None

    def protected(el: Any) -> bool:
        """Guessed boilerplate (by class or heading) is kept when it holds the article or
        half of the page's text: a mislabelled wrapper."""
        return holds_article(el) or len(_text(el)) > body_chars / 2

    for el in body.iter():
        if not isinstance(el.tag, str) or el is body:
            continue
        if _is_landmark(el):
            if not holds_article(el):
                doomed.append(el)
        elif _has_boilerplate_class(el) and not protected(el):
            doomed.append(el)
    for heading in _sidebar_headings(body):
        block = _heading_block(heading, body)
        if block is not None and not protected(block) and block.find(".//h1") is None:
            doomed.append(block)
        else:
            doomed.append(heading)
            following = heading.getnext()
            if following is not None and not protected(following):
                doomed.append(following)
    doomed.extend(_counters(body))
    doomed = _topmost(doomed)
    lines: list[str] = []
    for el in doomed:
        lines.extend(_lines(el))
        el.drop_tree()
    return lines


def _is_landmark(el: Any) -> bool:
    role = (el.get("role") or "").lower()
    if role in _LANDMARK_ROLES:
        return True
    if el.tag in ("nav", "aside"):
        return True
    if el.tag in ("header", "footer"):
        return not any(a.tag in ("article", "main") for a in el.iterancestors())
    return False


def _has_boilerplate_class(el: Any) -> bool:
    names = f"{el.get('class') or ''} {el.get('id') or ''}".strip()
    if not names:
        return False
    return bool(_BOILERPLATE_CLASS_RE.search(names)) and not _CONTENT_CLASS_RE.search(names)


def _heading_key(text: str) -> str:
    return " ".join(normalize_text(text).lower().split()).strip(" :.»›>-–")


def _sidebar_headings(body: Any) -> Iterator[Any]:
    """The topmost elements whose whole text is a sidebar heading ("Văn bản mới")."""
    for el in body.iter():
        if not isinstance(el.tag, str) or not el.text or len(el.text) > 60:
            continue
        key = _heading_key(el.text)
        if key not in _SIDEBAR_HEADINGS or _heading_key(el.text_content()) != key:
            continue
        top = el
        while (parent := top.getparent()) is not None and parent is not body:
            if _heading_key(parent.text_content()) != key:
                break
            top = parent
        yield top


def _heading_block(heading: Any, body: Any) -> Any | None:
    """The box a sidebar heading heads: its parent (the heading and the list it introduces)."""
    parent = heading.getparent()
    if parent is None or parent is body:
        return None
    return parent


def _counters(body: Any) -> Iterator[Any]:
    for el in body.iter():
        if not isinstance(el.tag, str) or el is body:
            continue
        own = (el.text or "").strip()
        if own and len(own) <= 40 and _COUNTER_RE.match(_text(el)):
            yield el


def _topmost(elements: Iterable[Any]) -> list[Any]:
    """The elements that are not inside another one of them, without repeats, in page order."""
    chosen = set(elements)
    if not chosen:
        return []
    root = next(iter(chosen)).getroottree().getroot()
    return [
        el for el in root.iter()
        if el in chosen and not any(a in chosen for a in el.iterancestors())
    ]


# --- the article ---------------------------------------------------------------------------------


def _locate_article(root: Any, body: Any) -> list[Any]:
    """The elements of ``root`` that hold the article, as readability finds it, in page order;
    ``[body]`` when it finds nothing."""
    try:
        import lxml.html
        from readability import Document
    except ImportError:  # pragma: no cover - readability-lxml is a dependency
        return [body]
    by_id: dict[str, Any] = {}
    for i, el in enumerate(root.iter()):
        if isinstance(el.tag, str):
            el.set(_ID, str(i))
            by_id[str(i)] = el
    try:
        summary = Document(lxml.html.tostring(root, encoding="unicode")).summary(
            html_partial=True
        )
        chosen = lxml.html.fromstring(summary)
    except Exception:  # readability raises whatever its parse met; fall back to the page
        chosen = None
    finally:
        for el in by_id.values():
            el.attrib.pop(_ID, None)
    if chosen is None:
        return [body]
    from lxml import etree

    found: list[Any] = []
    walker = etree.iterwalk(chosen, events=("start",))
    for _event, el in walker:
        key = el.get(_ID) if isinstance(el.tag, str) else None
        if key is not None and key in by_id and el is not chosen:
            found.append(by_id[key])
            walker.skip_subtree()
    if not found and chosen.get(_ID) in by_id:
        found.append(by_id[chosen.get(_ID)])
    region = _topmost(found)
    if not region or any(el is body or el is root for el in region):
        return [body]
    return region


def _first_heading(region: list[Any], *tags: str) -> str | None:
    for el in region:
        for h in el.iter(*tags):
            text = _text(h)
            if text:
                return text
    return None


def _starts_with(lines: list[str], headline: str) -> bool:
    key = _heading_key(headline)
    return any(_heading_key(line) == key for line in lines[:5])


def _citing_lines(lines: Iterable[str], exclude: set[str]) -> list[str]:
    """The lines, once each, in which the extractor finds a citation."""
    candidates: list[str] = []
    seen = set(exclude)
    for line in lines:
        line = normalize_text(line)
        if line and line not in seen:
            seen.add(line)
            candidates.append(line)
    if not candidates:
        return []
    from kg.extract import find_citations

    joined = "\n".join(candidates)
    starts = sorted(c.start for c in find_citations(joined))
    keep: list[str] = []
    offset = 0
    i = 0
    for line in candidates:
        end = offset + len(line)
        while i < len(starts) and starts[i] < offset:
            i += 1
        if i < len(starts) and starts[i] < end:
            keep.append(line)
        offset = end + 1
    return keep


# --- metadata ------------------------------------------------------------------------------------


@dataclass
class _Head:
    headline: str | None = None
    title: str | None = None
    published: str | None = None
    author: str | None = None
    site: str | None = None
    url: str | None = None


_PUBLISHED_KEYS = (
    "article:published_time", "og:article:published_time", "og:published_time",
    "datepublished", "pubdate", "publishdate", "publish-date", "publish_date", "dc.date.issued",
    "dcterms.issued", "dc.date", "date", "article.published", "parsely-pub-date",
    "sailthru.date",
)  # fmt: skip


def _head_metadata(root: Any) -> _Head:
    metas: dict[str, str] = {}
    for m in root.iter("meta"):
        key = (m.get("property") or m.get("name") or m.get("itemprop") or "").strip().lower()
        value = " ".join((m.get("content") or "").split())
        if key and value and key not in metas:
            metas[key] = normalize_text(value)
    head = _Head()
    head.headline = metas.get("og:title") or metas.get("twitter:title")
    title_el = root.find(".//title")
    page_title = _text(title_el) if title_el is not None else ""
    head.title = head.headline or page_title or None
    for key in _PUBLISHED_KEYS:
        if key in metas and (stamp := iso_datetime(metas[key])):
            head.published = stamp
            break
    if head.published is None:
        for el in root.iter("time"):
            if el.get("itemprop") == "datePublished" or el.get("pubdate") is not None:
                stamp = iso_datetime(el.get("datetime") or _text(el))
                if stamp:
                    head.published = stamp
                    break
    author = metas.get("author") or metas.get("article:author") or metas.get("dc.creator")
    if author and not author.startswith(("http://", "https://")):
        head.author = author
    head.url = _canonical_url(root, metas)
    site = metas.get("og:site_name") or metas.get("application-name")
    if not site and head.url:
        site = urlsplit(head.url).hostname or None
        if site and site.startswith("www."):
            site = site[4:]
    head.site = site
    if head.title and head.site and head.title != head.headline:
        head.title = _strip_site(head.title, head.site)
    return head


def _canonical_url(root: Any, metas: dict[str, str]) -> str | None:
    for link in root.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split():
            href = (link.get("href") or "").strip()
            if href.startswith(("http://", "https://")):
                return href
    url = metas.get("og:url", "")
    return url if url.startswith(("http://", "https://")) else None


def _strip_site(title: str, site: str) -> str:
    """"Headline - Site name" → "Headline"."""
    for sep in (" - ", " | ", " – ", " :: "):
        parts = [p.strip() for p in title.split(sep)]
        if len(parts) > 1:
            rest = [p for p in parts if p.lower() != site.lower()]
            if len(rest) < len(parts) and rest:
                return sep.join(rest)
    return title


def _page_metadata(
    head: _Head,
    headline: str | None,
    region: list[Any],
    article_lines: list[str],
    page_lines: list[str],
) -> dict[str, str]:
    meta: dict[str, str] = {}
    title = headline or head.title
    if title:
        meta["title"] = title[:500]
    article = "\n".join(article_lines)
    page = "\n".join(page_lines)
    published = head.published or _time_in(region) or find_published(article, limit=len(article))
    published = published or find_published(page, limit=len(page))
    if published:
        meta["published"] = published
    author = find_author(article) or find_author(page) or head.author
    if author:
        meta["author"] = author
    if head.site:
        meta["site"] = head.site
    if head.url:
        meta["url"] = head.url
    return meta


def _time_in(region: list[Any]) -> str | None:
    """The first ``<time datetime>`` in the article, else in an ``<article>`` element around or
    beside it (its header often holds the date)."""
    articles = [a for el in region for a in (*el.iterancestors("article"), *el.iter("article"))]
    for el in (*region, *articles):
        for t in el.iter("time"):
            stamp = iso_datetime(t.get("datetime") or "")
            if stamp:
                return stamp
    return None
