"""PDF documents with reportlab: invoices, in an embedded Unicode TrueType font."""
