"""Activation of psychographic segments: the I/O side of :mod:`socialkit.segments`.

Write respondent -> segment assignments for campaign tools, save a fitted :class:`Segmenter` and
load it again, and score a new survey file into the saved segments (``socialkit segment score MODEL
FILE``). Models are stored with joblib (pickle): load only models you wrote yourself.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Mapping

import joblib
import pandas as pd

from . import io
from .exceptions import InputFileError
from .segments import Segmenter, assignments


def export(model: Segmenter, df: pd.DataFrame, path: str | os.PathLike) -> pd.DataFrame:
    """Write the assignments of ``df`` (:func:`socialkit.segments.assignments`) to ``path`` (.csv or
    .parquet) and the fitted model next to it (same name, ``.joblib``); returns a small table of what
    was written (what, file, rows_or_segments). Nothing is written when ``df`` does not fit the model."""
    path = Path(path)
    out = assignments(model, df)
    written = [("assignments", io.write_table(out, path), len(out))]
    written.append(("model", save_model(model, path.with_suffix(".joblib")), model.k_))
    return pd.DataFrame(written, columns=["what", "file", "rows_or_segments"]).astype({"file": str})


def save_model(model: Segmenter, path: str | os.PathLike) -> Path:
    """Write the fitted model with joblib (atomically). Load it only from a source you trust."""
    model._check_fitted()
    with io.atomic_path(path) as tmp:
        joblib.dump(model, tmp, compress=3)
    return Path(path)


def load_model(path: str | os.PathLike) -> Segmenter:
    """Read a model written by :func:`save_model` (joblib: load only models you wrote yourself)."""
    path = Path(path)
    if not path.is_file():
        raise InputFileError(path, "model file not found",
                             fix="save one with socialkit.activation.save_model(model, path)")
    try:
        model = joblib.load(path)
    except Exception as exc:  # unpickling raises many types; name the file in all cases
        raise InputFileError(path, f"is not a saved segmentation model ({type(exc).__name__}: {exc})",
                             fix="save the model again with socialkit.activation.save_model") from exc
    if not isinstance(model, Segmenter):
        raise InputFileError(path, f"holds a {type(model).__name__}, not a Segmenter",
                             fix="point to a file written by socialkit.activation.save_model")
    model._check_fitted()
    return model


def score_file(model_path: str | os.PathLike, file_path: str | os.PathLike, out_path: str | os.PathLike | None = None,
               *, column_map: Mapping[str, str] | None = None) -> Path:
    """Score new respondents into the saved segments and write their assignments (id column,
    segment, segment_name) as .csv or .parquet; returns the path written.

    ``out_path`` defaults to ``<file stem>.segments.csv`` next to the new file. Raises
    :class:`~socialkit.exceptions.ModelInputError` when the new file lacks the model's feature
    columns (or its id column). This is what ``socialkit segment score MODEL FILE`` runs.
    """
    model = load_model(model_path)
    df = io.read_table(file_path, column_map=column_map)
    model.check_columns(df, source=file_path)
    out = assignments(model, df)
    file_path = Path(file_path)
    target = Path(out_path) if out_path is not None else file_path.with_name(f"{file_path.stem}.segments.csv")
    return io.write_table(out, target)
