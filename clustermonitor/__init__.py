"""clustermonitor: run, follow and evaluate a cluster programme."""

import os

# openpyxl writes its XML with lxml when lxml is installed (a dependency of the Peppol
# validation), with the standard library otherwise, and the two give different bytes
# (self-closing tags, a carriage return escaped or not). The workbooks the platform
# writes are the same bytes wherever it runs: always the standard library's writer.
# (Reading keeps defusedxml, which openpyxl uses for the uploaded files.)
os.environ.setdefault("OPENPYXL_LXML", "False")
