"""Batch generation: many case files in, one filing package per case plus a report out.

    run_batch(["cases/", "more/*.json"], Path("out"), jobs=2) -> BatchReport

Takes case files, folders (their ``*.json`` files, direct children only, sorted)
and glob patterns (expanded here, sorted, so quoting them is safe); gives one zip
per valid case in the output folder, named like ``wenping generate`` names it
(``<case_id>_稳评报备材料.zip``), plus ``report.csv`` (UTF-8 with BOM, for Excel)
and ``report.json``. Invalid or failing cases are recorded and the batch goes on.

Cases run in worker processes (``spawn``): each compiles the templates once and,
with PDF output, owns one converter with a single LibreOffice worker, closed when
the process ends. Only the parent writes into the output folder, always to a
temporary name first and then ``os.replace``, so an interrupted batch never
leaves a partial zip under a final name.

Re-running skips a case whose input bytes, templates, template-set name, risk
profile, generator version, PDF flag and output name are unchanged, provided its
zip is still there with the recorded SHA-256 (state: ``.wenping-batch.json`` in
the output folder); ``force`` regenerates everything.

Modules: ``inputs`` (expand, read, name the outputs), ``state`` (skip unchanged),
``worker`` (the worker-process side), ``runner`` (``run_batch``: refuse, plan, pool,
stop), ``progress`` (lines or a bar), ``report`` (records, ``report.csv``/``.json``).
"""

from service.batch.errors import BatchError
from service.batch.inputs import expand_inputs, output_name
from service.batch.progress import BarProgress, LineProgress, Progress, console_progress
from service.batch.report import REPORT_CSV, REPORT_JSON, BatchReport, CaseRecord, write_reports
from service.batch.runner import run_batch
from service.batch.state import STATE_NAME

__all__ = [
    "BarProgress",
    "BatchError",
    "BatchReport",
    "CaseRecord",
    "LineProgress",
    "Progress",
    "REPORT_CSV",
    "REPORT_JSON",
    "STATE_NAME",
    "console_progress",
    "expand_inputs",
    "output_name",
    "run_batch",
    "write_reports",
]
