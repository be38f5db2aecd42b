"""Pages: upload an import, follow its progress, download its error report; export."""
