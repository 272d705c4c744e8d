"""Issued documents as files: HTML → PDF rendering (``rendering``) and the electronic seal
(``sealing``). The use cases that issue, render and verify documents are in
``approvals/services/documents.py``."""
