"""The channel-export generator behind ``omniscore generate``.

It writes a landing folder in the formats of raw-exports.md, one file per channel per day,
with every quirk of that contract at configurable rates, and the ground truth of
docs/architecture.md beside it. Modules, from the bottom up: ``constants`` (reference data),
``util`` (seeding, hashing, text), ``population`` (persons and their identifiers), ``plans``
(orders), ``context``, ``channels`` (rows and formats per file type), ``quirks`` (quirk
injection and record accounting), ``run`` (batches, truth, manifest, appends).
"""

from omniscore.generator.run import Summary, default_truth_dir, generate
from omniscore.generator.settings import GenerateError, Rates, Settings

__all__ = ["GenerateError", "Rates", "Settings", "Summary", "default_truth_dir", "generate"]
