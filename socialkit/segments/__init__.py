"""Psychographic audience segmentation: cluster respondents on what moves them, then describe the
segments with demographics, digital habits and their relationship with the brand (docs/segments.md).

The method, end to end (every step is reported to the analyst):

1. **Plan** (:func:`plan_features`, :mod:`.plan`, :mod:`.answers`): resolve ``features`` (a list or
   a regex), check every parameter, and give each column a role (feature, profile, habit,
   relationship, id, dropped) and a type (numeric, ordinal, categorical, multi_select, date, text):
   demographics recognised however they are asked, multi-select answers split into indicators,
   ordered answer bands ranked, dates read as dates.
2. **Prepare** (a :class:`~sklearn.pipeline.Pipeline`, :mod:`.model`): clean survey values, remove
   each respondent's general level from a rating battery that behaves as one general factor
   (:mod:`.style`), reverse the ``reverse_keyed`` items, score ``scales`` or factors (:mod:`.scales`),
   impute, robust-scale (clipped at +-4) and one-hot encode.
3. **Choose k** with several criteria side by side (:mod:`.kchoice`): silhouette,
   Calinski-Harabasz, BIC of a Gaussian mixture and stability; k is the median of the three
   criteria's choices, so silhouette alone never picks k = 2.
4. **Fit** k-means on all rows (or a Gaussian mixture, or latent classes with StepMix: :mod:`.latent`).
5. **Privacy**: segments smaller than ``min_segment_size`` are merged or suppressed, and the notes say so.
6. **Structure**: the mean silhouette of the reported segments on the Kaufman-Rousseeuw scale
   (``model.structure_``), in plain words; **stability** (:func:`stability`, :mod:`.resampling`).
7. **Profile** (:func:`profile`, :mod:`.profiling`, with :mod:`.traits` and :mod:`.ladders`): sizes,
   index vs the whole audience (100 = average), traits, readable names (or ``segment_names``), the
   participation ladder (from habits) and the ocean-to-fish-bowl ladder (from brand-relationship
   facts only).

Charts are in :mod:`socialkit.charts.segments`; writing assignments, saving and loading models and
scoring new files in :mod:`socialkit.activation`. The editable tables used here (answer synonyms,
answer bands, demographic names, relationship columns, participation ladder) come from
:func:`socialkit.tables.load`.
"""

from __future__ import annotations

from .answers import (band_interval, band_order, demographic_concept, header_text, indicators, is_habit_name,
                      multi_select_options, relationship_fact, to_dates)
from .kchoice import VERDICTS, Structure, choose_k, structure_verdict
from .ladders import habit_columns, participation_rungs
from .model import (CLIP, SurveyCleaner, Segmenter, assignments, build_preprocessor, describe_fit, notes_markdown,
                    projection)
from .plan import (DEFAULT_K_RANGE, ID_NAME, K_MAX, K_MIN, MAX_LEVELS, METHODS, MIN_LEVEL_SHARE, MISSING_TOKENS,
                   NO_ANSWER, NUMERIC_SHARE, OTHER, FeaturePlan, clean_levels, column_shape, detect_id_column,
                   label_for, plan_features, to_numbers, validate_options)
from .profiling import SegmentProfile, profile
from .resampling import FRAGILE_BELOW, STABLE_AT, Stability, stability, stability_verdict
from .scales import scales_findings
from .style import ResponseStyle
from .traits import (MAX_TRAITS, SUPPRESSED, SUPPRESSED_NAME, TRAIT_THRESHOLD, index_matrix, index_rows, index_table,
                     index_value, variable_label)

__all__ = [
    "scales_findings",
    "CLIP", "DEFAULT_K_RANGE", "FRAGILE_BELOW", "ID_NAME", "K_MAX", "K_MIN", "MAX_LEVELS", "METHODS",
    "MAX_TRAITS", "MIN_LEVEL_SHARE", "MISSING_TOKENS", "NO_ANSWER", "NUMERIC_SHARE", "OTHER", "STABLE_AT",
    "SUPPRESSED", "SUPPRESSED_NAME", "TRAIT_THRESHOLD", "VERDICTS",
    "FeaturePlan", "ResponseStyle", "SegmentProfile", "Segmenter", "Stability", "Structure", "SurveyCleaner",
    "assignments", "band_interval", "band_order", "build_preprocessor", "choose_k", "clean_levels", "column_shape",
    "demographic_concept", "describe_fit", "detect_id_column", "habit_columns", "header_text", "index_matrix",
    "index_rows", "index_table", "index_value", "indicators", "is_habit_name", "label_for", "multi_select_options",
    "notes_markdown", "participation_rungs", "plan_features", "profile", "projection", "relationship_fact",
    "stability", "stability_verdict", "structure_verdict", "to_dates", "to_numbers", "validate_options",
    "variable_label",
]
