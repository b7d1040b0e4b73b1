"""PDF documents (record exports, and later letters, plans and meeting packs) drawn from Django
templates with WeasyPrint, so a document shows exactly what the same template logic decides
the reader may see.

Documents load nothing from outside: the fetcher allows only inline `data:` URLs, so text
from a record can never make the server fetch a URL.
"""

from django.template.loader import render_to_string


def render_pdf(template_name: str, context: dict) -> bytes:
    # Imported here, not at the top: loading WeasyPrint takes about 1.5 s (it parses its
    # default stylesheets), which every manage.py command and worker would otherwise pay.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    html = render_to_string(template_name, context)
    return HTML(string=html, url_fetcher=URLFetcher(allowed_protocols={"data"})).write_pdf()
