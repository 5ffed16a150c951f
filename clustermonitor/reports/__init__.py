"""The evaluation report, generated from the records (issue 8; docs/report.md).

`document` defines what a report is made of (sections of paragraphs, tables and
figures), `sections/` builds each chapter from the platform's own analyses, `build`
assembles them for a date and a set of clusters, and `render_*` turn one document
into a self-contained HTML file, a PDF (WeasyPrint) and an .xlsx workbook.
"""
