"""The Party document-format engine, used by every module that issues a document.

- `docformat`: a `PartyDocument` filled into a DOCX template (Hướng dẫn 36-HD/VPTW layout);
- `issuers`: the one rule for who issues, who signs and who receives a document, by organisation kind;
- `titles`: document titles without doubled words;
- `xlsx`: annex workbooks; `charts`: charts drawn once (matplotlib) for pages (SVG) and documents (PNG).

A low layer: it imports only `neuguong.core` and takes plain data (names, kinds, dates, figures), never a
domain model.
"""
