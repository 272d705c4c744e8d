"""HTML → PDF with WeasyPrint, safely and fast (DESIGN.md §4).

- One ``FontConfiguration`` per process: building it scans the system fonts (Noto CJK), which
  costs more than rendering a page.
- The URL fetcher serves bundled static files only (``static/documents/``) and refuses
  everything else — http(s), file://, data: URIs from the template aside — so that nothing an
  applicant typed can make the renderer read a local file or call the network. The templates
  escape applicant text anyway; this is the second wall.
- Fonts are subset by WeasyPrint (harfbuzz's hb-subset through ``libharfbuzz-subset0``): a page
  of Chinese text renders in a fraction of a second and embeds only the glyphs it uses.
"""

from __future__ import annotations

import base64
import io
import logging
import mimetypes
from functools import lru_cache
from pathlib import Path
from urllib.request import url2pathname

import segno
from django.conf import settings
from django.template.loader import render_to_string

logger = logging.getLogger("portal.documents")

_DATA_IMAGE_TYPES = ("data:image/svg+xml;base64,", "data:image/png;base64,")


class FetchRefused(ValueError):
    pass


@lru_cache(maxsize=1)
def font_configuration():
    """The process-wide FontConfiguration (built on first use, reused by every render)."""
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def static_root() -> Path:
    """The only folder the renderer may read: the documents' bundled static files."""
    return (Path(settings.BASE_DIR) / "static" / "documents").resolve()


def _fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class BundledFilesOnly(URLFetcher):
        """Serves files under ``static/documents/`` and the renderer's own image data URIs
        (the QR code); refuses every other URL, which WeasyPrint then leaves out."""

        def fetch(self, url, headers=None):
            if url.startswith(_DATA_IMAGE_TYPES):
                header, _, payload = url.partition(",")
                mime_type = header[5:].split(";")[0]
                return URLFetcherResponse(
                    url, base64.b64decode(payload), {"Content-Type": mime_type}
                )
            if url.startswith("file://"):
                root = static_root()
                path = Path(url2pathname(url.split("?")[0].removeprefix("file://"))).resolve()
                if path.is_relative_to(root) and path.is_file():
                    mime_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                    return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime_type})
            logger.warning("document renderer refused to fetch %.200r", url)
            raise FetchRefused(f"refused to fetch {url[:200]!r}")

    return BundledFilesOnly


@lru_cache(maxsize=1)
def safe_url_fetcher():
    return _fetcher_class()(timeout=2, allow_redirects=False)


def qr_data_uri(url: str) -> str:
    """The verification link as a QR code (SVG data URI; error correction M survives a stamp
    or a fold across it)."""
    qr = segno.make(url, error="m", micro=False)
    buffer = io.BytesIO()
    qr.save(buffer, kind="svg", scale=4, border=2, xmldecl=False)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def render_html(template: str, context: dict) -> str:
    return render_to_string(template, context)


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML

    document = HTML(
        string=html, base_url=static_root().as_uri() + "/", url_fetcher=safe_url_fetcher()
    )
    # PDF/UA: tagged, with the document's language and title, so that screen readers read it.
    return document.write_pdf(font_config=font_configuration(), pdf_variant="pdf/ua-1")
