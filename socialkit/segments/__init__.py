"""Psychographic audience segmentation (see docs/model.md): cluster respondents on what moves
them, then describe the segments with demographics and digital habits.

The method, end to end (every step is reported to the analyst, see docs/segments.md):

1. **Plan** (:func:`plan_features`, :mod:`.plan`): resolve ``features`` (a list or a regex), check
   every parameter, and classify each column: numeric / ordinal (Likert) / categorical feature,
   id-like (never clustered), constant (dropped), free text (dropped), profile column.
2. **Prepare** (a :class:`~sklearn.pipeline.Pipeline`, :mod:`.model`): clean survey values (numbers
   written as text, odd category spellings, "n/a"), reverse the ``reverse_keyed`` items, impute
   (median for numbers, an explicit "(no answer)" level for categories), robust scaling (median /
   IQR, then clipped at +-4 so outliers cannot form their own segment) and one-hot encoding.
3. **Choose k** with evidence: k-means for every k of ``k_range`` on a sample, mean silhouette
   (on a sample) and BIC of a diagonal Gaussian mixture; the k with the highest silhouette wins.
4. **Fit** k-means on all rows (for large files: seeded from the best of several runs on a sample).
5. **Privacy**: segments smaller than ``min_segment_size`` are merged into their nearest segment
   (or suppressed), and the notes say so.
6. **Stability** (:func:`stability`, :mod:`.resampling`): refit on resamples; mean adjusted Rand
   index with a verdict.
7. **Profile** (:func:`profile`, :mod:`.profiling`, with :mod:`.traits` and :mod:`.ladders`):
   sizes, index vs the whole audience (100 = average), distinctive traits, readable names,
   participation-ladder and intimacy-ladder placement.

Charts are in :mod:`socialkit.charts.segments`; writing assignments, saving and loading models and
scoring new files in :mod:`socialkit.activation`. The editable tables used here (answer synonyms,
participation ladder) come from :func:`socialkit.tables.load`.
"""

from __future__ import annotations

from .ladders import habit_columns, participation_rungs
from .model import (CLIP, SurveyCleaner, Segmenter, assignments, build_preprocessor, describe_fit, notes_markdown,
                    projection)
from .plan import (DEFAULT_K_RANGE, DEMOGRAPHIC_NAME, ID_NAME, K_MAX, K_MIN, MAX_LEVELS, MIN_LEVEL_SHARE,
                   MISSING_TOKENS, NO_ANSWER, NUMERIC_SHARE, OTHER, FeaturePlan, clean_levels, detect_id_column,
                   label_for, plan_features, to_numbers, validate_options)
from .profiling import SegmentProfile, profile
from .resampling import FRAGILE_BELOW, STABLE_AT, Stability, stability, stability_verdict
from .traits import (MAX_TRAITS, SUPPRESSED, SUPPRESSED_NAME, TRAIT_THRESHOLD, index_matrix, index_rows, index_table,
                     index_value)

__all__ = [
    "CLIP", "DEFAULT_K_RANGE", "DEMOGRAPHIC_NAME", "FRAGILE_BELOW", "ID_NAME", "K_MAX", "K_MIN", "MAX_LEVELS",
    "MAX_TRAITS", "MIN_LEVEL_SHARE", "MISSING_TOKENS", "NO_ANSWER", "NUMERIC_SHARE", "OTHER", "STABLE_AT",
    "SUPPRESSED", "SUPPRESSED_NAME", "TRAIT_THRESHOLD",
    "FeaturePlan", "SegmentProfile", "Segmenter", "Stability", "SurveyCleaner",
    "assignments", "build_preprocessor", "clean_levels", "describe_fit", "detect_id_column", "habit_columns",
    "index_matrix", "index_rows", "index_table", "index_value", "label_for", "notes_markdown",
    "participation_rungs", "plan_features", "profile", "projection", "stability", "stability_verdict",
    "to_numbers", "validate_options",
]
