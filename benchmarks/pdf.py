"""Render + seal one-page decisions and print the times (``make bench``).

    .venv/bin/python -m benchmarks.pdf [--runs 20] [--json FILE]

Builds the process's FontConfiguration once (cold start, as a worker does at start-up), then
renders an approval decision from frozen facts, signs it with a throwaway demo seal, and reports
the warm figures: the ones a Celery worker of the ``pdf`` queue sees for every document.
"""

import argparse
import io
import os
import statistics
import tempfile
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--json", help="also write the figures for benchmarks.report here")
    args = parser.parse_args()
    args.runs = max(1, min(args.runs, 1000))

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")
    import django

    django.setup()
    import logging

    from django.conf import settings
    from pypdf import PdfReader

    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    settings.SEAL_CERT_DIR = tempfile.mkdtemp(prefix="bench-seals-")
    settings.SEAL_DEMO_CA = True

    from accounts.models import Department
    from approvals.documents import rendering, sealing
    from approvals.models import Document
    from approvals.services.documents import KINDS, document_html

    department = Department(
        code="fz-scjg",
        name_zh="福州市市场监督管理局",
        name_en="Fuzhou Administration for Market Regulation",
    )
    title_zh, title_en, _word = KINDS["approval_decision"]
    document = Document(
        kind="approval_decision",
        number="FZ-SCJG许〔2026〕12号",
        department=department,
        context={
            "kind": "approval_decision",
            "title_zh": title_zh,
            "title_en": title_en,
            "department": {
                "code": department.code,
                "zh": department.name_zh,
                "en": department.name_en,
            },
            "service": {
                "code": "SPJY",
                "zh": "食品经营许可",
                "en": "Food business licence",
                "legal_basis_zh": "《中华人民共和国食品安全法》第三十五条",
                "legal_basis_en": "Article 35 of the Food Safety Law of the PRC",
            },
            "tracking_number": "SPJY-20260610-00012",
            "applicant": {
                "kind": "business",
                "name": "福州老字号餐饮有限公司",
                "identifier": "91350100M000100Y43",
                "identifier_label_zh": "统一社会信用代码",
                "identifier_label_en": "Unified Social Credit Code",
            },
            "issued_on": "2026-06-15",
            "received_on": "2026-05-29",
            "accepted_on": "2026-06-01",
            "decided_on": "2026-06-15",
            "licence_number": "FZ-SCJG-2026-000012",
            "valid_from": "2026-06-15",
            "valid_to": "2031-06-14",
            "remarks": "",
        },
    )

    started = time.perf_counter()
    rendering.font_configuration()
    font_config = time.perf_counter() - started
    sealing.seal_pdf(rendering.html_to_pdf(document_html(document)), department=department)
    cold = time.perf_counter() - started

    renders, seals, totals, cpu = [], [], [], []
    for _ in range(args.runs):
        c0 = time.process_time()
        t0 = time.perf_counter()
        pdf = rendering.html_to_pdf(document_html(document))
        t1 = time.perf_counter()
        sealed = sealing.seal_pdf(pdf, department=department)
        t2 = time.perf_counter()
        renders.append(t1 - t0)
        seals.append(t2 - t1)
        totals.append(t2 - t0)
        cpu.append(time.process_time() - c0)

    reader = PdfReader(io.BytesIO(sealed))
    fonts = sorted(
        {
            str(font.get_object()["/BaseFont"])
            for page in reader.pages
            for font in (page["/Resources"].get_object().get("/Font") or {}).values()
        }
    )

    def ms(values):
        return (
            f"median {statistics.median(values) * 1000:6.1f} ms, max {max(values) * 1000:6.1f} ms"
        )

    print(
        f"PDF benchmark: approval decision, {len(reader.pages)} page(s), {len(sealed)} bytes, "
        f"{args.runs} runs"
    )
    print(f"  FontConfiguration (once per worker): {font_config * 1000:7.1f} ms")
    print(f"  first document (cold, incl. above):   {cold * 1000:7.1f} ms")
    print(f"  render HTML → PDF (warm):  {ms(renders)}")
    print(f"  seal (PAdES, pyhanko):     {ms(seals)}")
    print(f"  render + seal (warm):      {ms(totals)}")
    print(f"  render + seal, CPU time:   {ms(cpu)}")
    print(
        f"  (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs: "
        "wall times grow with it)"
    )
    print(f"  fonts: {', '.join(fonts)}")
    print(f"  all fonts subset: {all('+' in name for name in fonts)}")
    if args.json:
        write_json(args.json, totals=totals, cpu=cpu, runs=args.runs)


def write_json(path: str, *, totals: list[float], cpu: list[float], runs: int) -> None:
    """The two PDF rows of ``make bench``'s table: wall time and CPU time of render + seal (the
    issue's target, ≤ 200 ms, is on the CPU time: wall time on a busy machine adds waiting)."""
    import json

    from benchmarks.stats import Target, figure

    note = f"render + seal of a one-page decision, warm, {runs} runs"
    figures = [
        figure(
            "PDF render + seal, CPU",
            None,
            samples_ms=[c * 1000 for c in cpu],
            note=note,
            target=Target("p50_ms", "<=", 200, "ms"),
        ),
        figure("PDF render + seal, wall", None, samples_ms=[t * 1000 for t in totals], note=note),
    ]
    with open(path, "w") as out:
        json.dump({"run": {}, "figures": [f.as_dict() for f in figures]}, out, indent=2)


if __name__ == "__main__":
    main()
