"""An analyst's working folder, laid out by ``socialkit init DIR``.

::

    DIR/
      README.md            what is where, and the commands to run
      notebooks/           the kit's notebooks (open them in JupyterLab; edit them freely)
      data/samples/        the sample brands (replace them by your own files, or point *_path at yours)
      data/tables/         the editable tables (business functions, playbook, questionnaires, ladders ...)
      manifests/demo.yml   a batch run of every notebook for every sample brand
      reports/             where `socialkit run` and `socialkit batch` write (created on first run)

The kit reads notebooks, sample data and editable tables from the working folder when it holds them,
else the copies shipped with the kit (:mod:`socialkit.config`), so the folder works as soon as it is
laid out and every file in it can be edited.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from . import __version__, config, files
from .exceptions import InputFileError

README = """# Social strategy workspace

Made with socialkit {version}. Everything here can be edited; the kit reads this folder first.

| folder | what it holds |
|---|---|
| `notebooks/` | the five notebooks: Venn model, relationship depth, psychographic segments, vanity to value, executive summary |
| `data/samples/` | three sample brands; put your own files anywhere and point the notebooks' `*_path` parameters at them |
| `data/tables/` | the editable tables the analyses read (business functions, playbook, questionnaires, ladders, thresholds) |
| `manifests/` | batch runs (`demo.yml`: every notebook for every sample brand) |
| `reports/` | executed notebooks and their HTML/PDF reports (written by the commands below) |

```bash
jupyter lab notebooks/                                  # work interactively
socialkit run 04_vanity_to_value -p posts_path my_posts.csv   # one report -> reports/
socialkit batch manifests/demo.yml --workers 2          # many reports -> reports/demo/
socialkit params 03_psychographic_segments              # a notebook's parameters
```
"""

#: What ``init`` copies: (source folder shipped with the kit or file, destination inside DIR).
_LAYOUT = (("notebooks", "notebooks"), ("data/samples", "data/samples"), ("manifests", "manifests"))


def init(target: str | os.PathLike, *, force: bool = False) -> list[Path]:
    """Lay out a working folder in ``target`` (created if needed); returns the files written.

    Existing files are never overwritten unless ``force`` is true: the call then fails before
    writing anything, naming the files in the way."""
    target = Path(target)
    if target.exists() and not target.is_dir():
        raise InputFileError(target, "is a file, not a folder", fix="give the path of a new or empty folder")
    plan: list[tuple[Path, Path]] = []
    for source, dest in _LAYOUT:
        root = config.shipped(source)
        for path in sorted(root.rglob("*")):
            if path.is_file() and not _skipped(path):
                plan.append((path, target / dest / path.relative_to(root)))
    for path in sorted(config.DATA_DIR.glob("*.csv")):
        plan.append((path, target / "data" / "tables" / path.name))
    readme = target / "README.md"
    in_the_way = [dest for _, dest in plan if dest.exists()] + ([readme] if readme.exists() else [])
    if in_the_way and not force:
        shown = ", ".join(str(p.relative_to(target)) for p in in_the_way[:5])
        more = f" and {len(in_the_way) - 5} more" if len(in_the_way) > 5 else ""
        raise InputFileError(target, f"already holds {shown}{more}",
                             fix="choose a new folder, or pass --force to overwrite those files")
    written = []
    for source, dest in plan:
        with files.atomic_path(dest) as tmp:
            shutil.copyfile(source, tmp)
        written.append(dest)
    written.append(files.write_text(readme, README.format(version=__version__)))
    (target / "reports").mkdir(exist_ok=True)
    return written


def _skipped(path: Path) -> bool:
    """Caches and checkpoints are not part of the layout."""
    return any(part in {"__pycache__", ".ipynb_checkpoints"} for part in path.parts) or path.suffix == ".pyc"
