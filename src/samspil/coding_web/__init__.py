"""Coding of open answers on the web: projects, the coders' workbench, agreement,
adjudication, suggested codes and the report with theme figures. See docs/coding.md."""
