"""HTML to PDF with WeasyPrint, fetching nothing but data URIs, with our Devanagari font.

Every PDF (certificates, CPD logs, logbook portfolios, outcome reports) goes through here, so
no value in a document can make WeasyPrint load a URL, and Hindi text always has a font.
"""

from carementor.lib.fonts import pdf_font_css


def html_to_pdf(html: str) -> bytes:
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols={"data"})
    font_config = FontConfiguration()
    fonts = CSS(string=pdf_font_css(), font_config=font_config, url_fetcher=fetcher)
    document = HTML(string=html, url_fetcher=fetcher)
    return document.write_pdf(stylesheets=[fonts], font_config=font_config)  # type: ignore[no-any-return]
