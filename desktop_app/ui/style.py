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
QWidget#stepsSidebar {{ background: {SIDEBAR}; }}
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
QLineEdit:focus, QPlainTextEdit:focus, QTextEdit:focus, QComboBox:focus, QDateEdit:focus, QSpinBox:focus,
QDoubleSpinBox:focus {{ border: 2px solid {ACCENT}; padding: 3px 5px; }}
QSpinBox, QDoubleSpinBox, QDateEdit {{ padding-right: 22px; }}
QSpinBox:focus, QDoubleSpinBox:focus, QDateEdit:focus {{ padding-right: 21px; }}
QSpinBox::up-button, QDoubleSpinBox::up-button, QDateEdit::up-button {{
    subcontrol-origin: border; subcontrol-position: top right; width: 18px;
    border-left: 1px solid #c5ccd3; border-top-right-radius: 4px; background: #f1f3f5; }}
QSpinBox::down-button, QDoubleSpinBox::down-button, QDateEdit::down-button {{
    subcontrol-origin: border; subcontrol-position: bottom right; width: 18px;
    border-left: 1px solid #c5ccd3; border-bottom-right-radius: 4px; background: #f1f3f5; }}
QSpinBox::up-button:hover, QDoubleSpinBox::up-button:hover, QDateEdit::up-button:hover,
QSpinBox::down-button:hover, QDoubleSpinBox::down-button:hover, QDateEdit::down-button:hover {{ background: {ACCENT_LIGHT}; }}
QDateEdit::drop-down {{ subcontrol-origin: border; subcontrol-position: top right; width: 20px;
    border-left: 1px solid #c5ccd3; background: #f1f3f5; }}
QCheckBox:focus, QRadioButton:focus {{ outline: none; background: {ACCENT_LIGHT}; border-radius: 3px; }}
QAbstractScrollArea:focus {{ border: 2px solid {ACCENT}; }}
QSplitter::handle:hover {{ background: #c5ccd3; }}
QLineEdit[invalid="true"] {{ border: 1px solid {ERROR}; background: #fff6f6; }}
QTableView {{ background: white; gridline-color: #e3e7eb; border: 1px solid #dde2e7; selection-background-color: {ACCENT_LIGHT}; selection-color: black; }}
QHeaderView::section {{ background: #eef1f4; border: none; border-right: 1px solid #dde2e7; border-bottom: 1px solid #dde2e7; padding: 5px; font-weight: 600; }}
QTabWidget::pane {{ border: 1px solid #dde2e7; background: white; border-radius: 4px; }}
QTabBar::tab {{ padding: 7px 14px; }}
QTabBar::tab:selected {{ font-weight: 600; }}
QStatusBar {{ background: #eef1f4; }}
"""


def _arrow_rules() -> str:
    """Arrows for the spin boxes and date fields: once the style sheet draws their frame, Qt
    draws no arrow of its own, so they come from two small pictures (PNG, drawn from the SVGs beside
    them in resources/icons; PNG needs no image plugin in the installed application)."""
    from desktop_app import paths

    up, down = paths.resource("icons", "arrow-up.png"), paths.resource("icons", "arrow-down.png")
    if not (up.is_file() and down.is_file()):
        return ""
    up_url, down_url = up.as_posix(), down.as_posix()
    spins = ("QSpinBox", "QDoubleSpinBox", "QDateEdit")
    return (
        ", ".join(f"{w}::up-arrow" for w in spins) + f" {{ image: url({up_url}); width: 9px; height: 9px; }}\n"
        + ", ".join(f"{w}::down-arrow" for w in spins) + f" {{ image: url({down_url}); width: 9px; height: 9px; }}\n"
    )


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
    app.setStyleSheet(STYLE_SHEET + _arrow_rules())
