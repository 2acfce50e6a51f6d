"""Regenerate the sample brands in data/samples/ (seeded: the output is byte-identical every run)."""

from socialkit.config import SAMPLES_DIR
from socialkit.samples import generate

if __name__ == "__main__":
    for path in generate(SAMPLES_DIR):
        print(path.relative_to(SAMPLES_DIR.parent.parent))
