"""Build the application icon files from the two SVG drawings in resources/icons/.

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/make_app_icon.py

Writes, next to the drawings (the generated files are committed; run again after editing an SVG):
  evalkit-<N>.png for N in desktop_app.ui.icon.ICON_SIZES (16 to 256; `evalkit-small.svg`, the
  simplified drawing, for 16 and 24 px, `evalkit.svg` above),
  evalkit.ico   Windows (PyInstaller EXE icon), every PNG size,
  evalkit.icns  macOS (PyInstaller BUNDLE icon), 16 to 1024 px.
Qt renders the SVGs (QtSvg); Pillow, already installed with matplotlib and reportlab, writes the
.ico and .icns.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ICONS = ROOT / "resources" / "icons"
SMALL_UNTIL = 24  # sizes up to this one use the simplified drawing
ICNS_SIZES = (16, 32, 64, 128, 256, 512, 1024)


def render(size: int) -> bytes:
    """PNG bytes of the icon drawn at size x size pixels."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    svg = ICONS / ("evalkit-small.svg" if size <= SMALL_UNTIL else "evalkit.svg")
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"{svg}: SVG illisible")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def main() -> int:
    from PIL import Image
    from PySide6.QtGui import QGuiApplication

    from desktop_app.ui.icon import ICON_SIZES

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841 (kept alive)
    images: dict[int, Image.Image] = {}
    for size in sorted(set(ICON_SIZES) | set(ICNS_SIZES)):
        images[size] = Image.open(io.BytesIO(render(size))).convert("RGBA")
        if size in ICON_SIZES:
            out = ICONS / f"evalkit-{size}.png"
            images[size].save(out, optimize=True)
            print(out.relative_to(ROOT))
    largest = images[max(ICON_SIZES)]
    largest.save(
        ICONS / "evalkit.ico",
        sizes=[(s, s) for s in ICON_SIZES],
        append_images=[images[s] for s in ICON_SIZES if s != max(ICON_SIZES)],
    )
    print((ICONS / "evalkit.ico").relative_to(ROOT))
    images[1024].save(ICONS / "evalkit.icns", append_images=[images[s] for s in ICNS_SIZES if s != 1024])
    print((ICONS / "evalkit.icns").relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
