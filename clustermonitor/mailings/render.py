"""A mailing's text to e-mail: CommonMark (markdown-it-py, raw HTML off, so a `<script>`
typed in the text stays text) to HTML, cleaned once more by ammonia (nh3) to a small set
of tags and http(s)/mailto links; the text part is the Markdown as written."""

import functools

import nh3


@functools.cache
def _markdown():
    """The parser, made with the first mailing rendered: this module comes with the
    mailings' self-service registration (every process starts with it), markdown-it with
    the first text."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})


TAGS = {
    "a", "blockquote", "br", "code", "em", "h1", "h2", "h3", "h4", "hr", "li", "ol", "p",
    "pre", "strong", "ul",
}  # fmt: skip
ATTRIBUTES = {"a": {"href", "title"}}
SCHEMES = {"http", "https", "mailto"}


def html(text: str) -> str:
    """The safe HTML of a mailing's Markdown text."""
    return nh3.clean(
        _markdown().render(text or ""),
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
