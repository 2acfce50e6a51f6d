"""The house colours of charts, tables and pages (re-exported by :mod:`socialkit.charts`).

Kept apart from the charts so that a page with no chart (the batch index) can use them without
loading Altair."""

#: Colour-blind-safe categorical palette (Okabe-Ito, reordered).
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
BLUE, ORANGE, GREEN, VERMILION, PURPLE, SKY, YELLOW, BLACK = PALETTE
#: Meaningful colours: good / caution / bad / neutral, text and rules.
GOOD, CAUTION, BAD, NEUTRAL = GREEN, ORANGE, VERMILION, "#BBBBBB"
INK, MUTED, FAINT, RULE, GRID = "#222222", "#555555", "#eeeeee", "#888888", "#e8e8e8"
#: Light to dark blues for ordered stages (e.g. a ladder).
BLUES = ["#deebf7", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5"]
