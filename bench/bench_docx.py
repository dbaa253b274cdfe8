"""DOCX benchmark: in-process package time against a naive docxtpl renderer, same run.

The naive renderer is what one would write first: `DocxTemplate(path).render(ctx).save()`
per document, the template read from disk every time, with the same templates and
contexts. Prints medians for the sample case and for a large case (40 risks, 12
meetings of 36 participants and 20 statements each).
"""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from docxtpl import DocxTemplate  # noqa: E402
from jinja2 import Environment  # noqa: E402

from cases import large_case, median_time, sample_case  # noqa: E402
from service.context.documents import index_document  # noqa: E402
from service.generate import generate, prepare  # noqa: E402
from service.render.environment import DOCUMENTED_FILTERS, make_environment  # noqa: E402
from service.render.template_sets import default_set  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "15"))


def naive_package(case: dict) -> None:
    prepared = prepare(case)
    ours = make_environment()  # the same filters and finalize, so the templates render; none of the caching
    env = Environment(autoescape=True, finalize=ours.finalize)
    env.filters.update({name: ours.filters[name] for name in ("paragraphs", *DOCUMENTED_FILTERS)})
    docs = [index_document(prepared.validation.case, prepared.context, prepared.documents, ".docx"), *prepared.documents]
    for doc in docs:
        template = DocxTemplate(default_set().path(doc.kind))
        template.render(dict(doc.context), jinja_env=env, autoescape=True)
        template.save(io.BytesIO())


def main() -> None:
    print(f"# DOCX benchmark — {RUNS} runs, {os.cpu_count()} cores\n")
    print("| case | wenping (ms) | naive docxtpl (ms) | speed-up |")
    print("|---|---|---|---|")
    for label, case in (("sample", sample_case()), ("large (40 risks, 12×36 participants, 12×20 statements)", large_case())):
        ours = median_time(lambda: generate(case), RUNS)
        naive = median_time(lambda: naive_package(case), max(3, RUNS // 3))
        print(f"| {label} | {ours * 1000:.1f} | {naive * 1000:.1f} | {naive / ours:.1f}× |")


if __name__ == "__main__":
    main()
