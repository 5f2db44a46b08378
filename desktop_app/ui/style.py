"""The application's look: Fusion style, a calm palette and one style sheet."""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication

ACCENT = "#1f5f8b"
ACCENT_LIGHT = "#e6f0f7"
SIDEBAR = "#22303c"
OK = "#2e7d32"
WARN = "#b26a00"
ERROR = "#c62828"
MUTED = "#5f6b76"

STYLE_SHEET = f"""
QMainWindow, QWidget#page {{ background: #f6f7f9; }}
QWidget#sidebar {{ background: {SIDEBAR}; }}
QLabel#sidebarTitle {{ color: white; font-size: 12.5pt; font-weight: 600; padding: 16px 16px 2px 16px; }}
QLabel#sidebarSubtitle {{ color: #b8c4ce; padding: 0 16px 12px 16px; }}
QListWidget#steps {{ background: transparent; border: none; color: #e8eef2; font-size: 10.5pt; outline: 0; }}
QListWidget#steps::item {{ padding: 9px 12px; border-left: 3px solid transparent; }}
QListWidget#steps::item:selected {{ background: #2f4354; border-left: 3px solid #6fb3e0; color: white; }}
QListWidget#steps::item:hover:!selected {{ background: #2a3a48; }}
QLabel#pageTitle {{ font-size: 17pt; font-weight: 600; color: #1d2a35; }}
QLabel#pageSubtitle {{ color: {MUTED}; }}
QLabel#sectionTitle {{ font-size: 12pt; font-weight: 600; color: #1d2a35; }}
QLabel#muted {{ color: {MUTED}; }}
QLabel#error {{ color: {ERROR}; }}
QFrame#card {{ background: white; border: 1px solid #dde2e7; border-radius: 8px; }}
QGroupBox {{ background: white; border: 1px solid #dde2e7; border-radius: 8px; margin-top: 14px; padding: 12px 10px 10px 10px; font-weight: 600; }}
QGroupBox::title {{ subcontrol-origin: margin; left: 12px; padding: 0 4px; color: #1d2a35; }}
QPushButton {{ padding: 6px 14px; border-radius: 5px; border: 1px solid #c5ccd3; background: white; }}
QPushButton:hover {{ border-color: {ACCENT}; }}
QPushButton:focus {{ border: 2px solid {ACCENT}; }}
QPushButton#primary {{ background: {ACCENT}; color: white; border: 1px solid {ACCENT}; font-weight: 600; }}
QPushButton#primary:hover {{ background: #174a6d; }}
QLineEdit, QPlainTextEdit, QTextEdit, QComboBox, QDateEdit, QSpinBox, QDoubleSpinBox {{
    background: white; border: 1px solid #c5ccd3; border-radius: 4px; padding: 4px 6px; }}
QLineEdit:focus, QPlainTextEdit:focus, QTextEdit:focus, QComboBox:focus, QDateEdit:focus {{ border: 1px solid {ACCENT}; }}
QLineEdit[invalid="true"] {{ border: 1px solid {ERROR}; background: #fff6f6; }}
QTableView {{ background: white; gridline-color: #e3e7eb; border: 1px solid #dde2e7; selection-background-color: {ACCENT_LIGHT}; selection-color: black; }}
QHeaderView::section {{ background: #eef1f4; border: none; border-right: 1px solid #dde2e7; border-bottom: 1px solid #dde2e7; padding: 5px; font-weight: 600; }}
QTabWidget::pane {{ border: 1px solid #dde2e7; background: white; border-radius: 4px; }}
QTabBar::tab {{ padding: 7px 14px; }}
QTabBar::tab:selected {{ font-weight: 600; }}
QStatusBar {{ background: #eef1f4; }}
"""


def apply_style(app: QApplication) -> None:
    app.setStyle("Fusion")
    pal = app.palette()
    pal.setColor(QPalette.ColorRole.Window, QColor("#f6f7f9"))
    pal.setColor(QPalette.ColorRole.Highlight, QColor(ACCENT))
    pal.setColor(QPalette.ColorRole.HighlightedText, QColor("white"))
    app.setPalette(pal)
    font = QFont(app.font())
    if font.pointSizeF() < 10:
        font.setPointSizeF(10)
    app.setFont(font)
    app.setStyleSheet(STYLE_SHEET)
