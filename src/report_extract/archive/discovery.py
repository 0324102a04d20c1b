"""Finding the inputs: the files under the folders given and the files named, in a stable order,
page images of one report grouped into one input (``pages.group``), each with the place of its
result inside the output folder (``Job.rel``: never absolute, never climbing out, a name that fits).

Reads folder listings and nothing else: no input's bytes, nothing of the output folder but whether
a folder is one (its lock file). Output folders are never walked: the tool never reads back what
it wrote.
"""

from __future__ import annotations

import hashlib
import os
from collections import Counter
from pathlib import Path, PurePath
from typing import NamedTuple

from .. import pages
from ..errors import ReportError
from .jobs import Job
from .outfolder import LOCK_NAME, resolved

EXTENSIONS = (".pdf", ".ofd", ".docx", ".doc", ".wps", ".txt", ".md", ".html", ".htm", ".xhtml", ".mht", ".mhtml",
              ".png", ".jpg", ".jpeg", ".tif", ".tiff")  # page images: read by OCR
MAX_NAME_BYTES = 200  # a result's file name, before .json and .html (file systems allow 255)


class Skipped(NamedTuple):
    """A path named that is no input: it does not exist, or is a symbolic link loop."""

    path: str
    error: ReportError  # why: no_such_path or link_loop


def discover(paths: list[str], outdir: Path | None = None,
             ignored: Counter | None = None) -> tuple[list[Job], list[Skipped]]:
    """Files under the given folders (recursively, by extension) and the given files, in a stable
    order, each with its place in the output folder; and the paths skipped. Output folders
    (``outdir``, and any folder an earlier batch wrote into: it holds LOCK_NAME) are never walked.
    ``ignored``: counts the files found in the folders that are not read, by their ending (.zip,
    .xls, no ending …; hidden files and Office's ~$ files are not counted)."""
    found: list[tuple[str, str]] = []
    named: set[str] = set()  # files the user named one by one: never grouped as page images
    skipped: list[Skipped] = []
    roots = [Path(p) for p in paths]
    base = _common_base(roots)
    for root in roots:
        if root.is_dir():
            for dirpath, dirnames, filenames in os.walk(root):
                if LOCK_NAME in filenames or outdir is not None and resolved(Path(dirpath)) == outdir:
                    dirnames.clear()  # an output folder: ours, not the archive's
                    continue
                dirnames.sort()
                for name in sorted(filenames):
                    path = Path(dirpath) / name
                    if name.startswith((".", "~$")):
                        continue
                    if name.lower().endswith(EXTENSIONS):
                        found.append((str(path), relative_path(path, base)))
                    elif ignored is not None:
                        ignored[PurePath(name).suffix.lower() or "(no ending)"] += 1
        elif root.is_file():
            found.append((str(root), relative_path(root, base)))
            named.add(str(root))
        else:
            skipped.append(Skipped(str(root), ReportError("link_loop" if root.is_symlink() else "no_such_path",
                                                          str(root))))
    seen, jobs, paths_seen = set(), [], set()
    unique_found = []
    for path, rel in found:
        if path not in paths_seen:  # the same file named twice
            paths_seen.add(path)
            unique_found.append((path, rel))
    rels = dict(unique_found)
    order = {path: i for i, (path, _) in enumerate(unique_found)}
    walked = pages.group([path for path, _ in unique_found if path not in named])
    inputs = sorted(walked + [[path] for path in named], key=lambda parts: order[parts[0]])
    for parts in inputs:
        path, rel = parts[0], rels[parts[0]]
        if len(parts) > 1:  # page images of one report: one input, named by the group
            path, rel = pages.label(parts), "/".join([*rel.split("/")[:-1], PurePath(pages.label(parts)).name])
        unique, n = rel, 1
        while unique in seen:  # two inputs that would share a result file (links from elsewhere)
            n += 1
            unique = f"{rel}~{n}"
        seen.add(unique)
        jobs.append(Job(len(jobs), path, unique, parts if len(parts) > 1 else None))
    return jobs, skipped


def _common_base(roots: list[Path]) -> Path:
    folders = [resolved(r) if r.is_dir() else resolved(r).parent for r in roots if r.exists()]
    if not folders:
        return Path.cwd()
    if len(folders) == 1 and roots[0].is_dir():
        return folders[0]
    return Path(os.path.commonpath([str(f) for f in folders]))


def relative_path(path: Path, base: Path) -> str:
    """Where an input's result goes inside the output folder (``path`` below ``base``, the inputs'
    common folder): never absolute, never climbing out of it, each part a name that fits."""
    try:
        rel = resolved(path).relative_to(base)
    except ValueError:
        rel = Path(path.name)
    parts = [fitted_name(p) for p in rel.parts if p not in ("", ".", "..") and not p.startswith("/")]
    return "/".join(parts) or fitted_name(path.name)


def fitted_name(name: str) -> str:
    """A name that fits a file system's 255 bytes with what the output adds (``.json``, ``.html``,
    a temporary file's ``.NAME.XXXXXXXX.tmp``): a longer one is cut, and told apart by a digest."""
    encoded = os.fsencode(name)
    if len(encoded) <= MAX_NAME_BYTES:
        return name
    digest = hashlib.sha1(encoded).hexdigest()[:10]
    cut = encoded[:MAX_NAME_BYTES - 12].decode("utf-8", errors="ignore")
    return f"{cut}~{digest}"
