"""The project's own modules as syntax trees, each parsed once per test process: the
structure tests (layers, views, exports, the analysis package, the parsers) walk the same
trees, several times each. A tree is kept by the file's path, size and time of change,
so a file a test writes is parsed as it is; the trees are read, never changed."""

import ast
import functools
from pathlib import Path


def parsed(path: Path) -> ast.Module:
    """`ast.parse` of the file at `path`."""
    path = Path(path)
    status = path.stat()
    return _parsed(str(path.resolve()), status.st_mtime_ns, status.st_size)


@functools.cache
def _parsed(path: str, changed: int, size: int) -> ast.Module:
    return ast.parse(Path(path).read_text("utf-8"), filename=path)
