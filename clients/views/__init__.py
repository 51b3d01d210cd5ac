"""Views of clients: the client pages and their tabs (clients.py), the CSV import and export
(imports.py)."""
