"""What search engines read of the public portal (docs/portal.md): `robots.txt` (the
public pages may be crawled, the workspace not) and `sitemap.xml` (every public page in
both languages, with its hreflang alternates: the front page, the directory, the open
figures and the profiles). Only published profiles are listed."""

from xml.sax.saxutils import quoteattr

from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from clustermonitor.core.pagecache import public_page
from clustermonitor.portal.models import ClusterProfile
from clustermonitor.portal.selectors import LANGUAGES

#: The public paths a crawler may follow (everything else asks for a login).
PUBLIC_PATHS = ("portal:front", "portal:directory", "portal:finder")


@require_GET
def robots_txt(request):
    lines = ["User-agent: *", "Allow: /$"]
    lines += [f"Allow: {reverse(name)}" for name in PUBLIC_PATHS]
    lines += [
        "Disallow: /",
        "",
        f"Sitemap: {request.build_absolute_uri(reverse('portal:sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def _public_pages() -> list[tuple[str, str | None]]:
    """(path, last change) of every public page, in a fixed order."""
    pages = [
        (reverse(name), None)
        for name in ("portal:front", "portal:directory", "portal:figures", "portal:events")
    ]
    published = (
        ClusterProfile.objects.filter(publication__isnull=False)
        .select_related("cluster", "publication")
        .order_by("cluster__code")
    )
    for profile in published:
        path = reverse("portal:cluster-detail", args=[profile.cluster.code])
        pages.append((path, profile.publication.published_at.date().isoformat()))
    return pages


@require_GET
@public_page
def sitemap_xml(request):
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:xhtml="http://www.w3.org/1999/xhtml">',
    ]
    for path, changed in _public_pages():
        base = request.build_absolute_uri(path)
        for language in LANGUAGES:
            out.append("<url>")
            out.append(f"<loc>{_text(f'{base}?lang={language}')}</loc>")
            if changed:
                out.append(f"<lastmod>{changed}</lastmod>")
            out += [
                f'<xhtml:link rel="alternate" hreflang="{code}" '
                f"href={quoteattr(f'{base}?lang={code}')}/>"
                for code in LANGUAGES
            ]
            out.append("</url>")
    out.append("</urlset>")
    return HttpResponse("\n".join(out) + "\n", content_type="application/xml; charset=utf-8")


def _text(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
