"""Publishing: editions with papermill, book staging, Jupyter Book (web), chromium (PDF)."""
