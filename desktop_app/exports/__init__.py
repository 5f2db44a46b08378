"""Exports: data in, file out (xlsx with openpyxl, pdf with reportlab, letters)."""
