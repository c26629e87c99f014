#!/usr/bin/env python3
"""Draws the Qflow Console icon set (RGBA PNGs, plus a PNG-in-ICO) with the standard library only.

Run from anywhere: python3 icons/generate.py. The output files are committed; rerun only to change the art.
"""
import math
import os
import struct
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))


def png_bytes(size, pixels):
    raw = b"".join(b"\x00" + bytes(pixels[y * size * 4:(y + 1) * size * 4]) for y in range(size))

    def chunk(kind, data):
        c = struct.pack(">I", len(data)) + kind + data
        return c + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def coverage(x, y):
    """(background alpha, foreground alpha) at a point in the unit square."""
    # Rounded square background.
    r = 0.22
    dx = max(abs(x - 0.5) - (0.5 - r), 0.0)
    dy = max(abs(y - 0.5) - (0.5 - r), 0.0)
    bg = 1.0 if math.hypot(dx, dy) <= r else 0.0
    # A "Q": a ring plus a diagonal tail, and three flow dots inside.
    d = math.hypot(x - 0.47, y - 0.47)
    fg = 1.0 if 0.19 <= d <= 0.29 else 0.0
    # Tail: a thick segment from the ring (0.64, 0.64) to (0.80, 0.80).
    t = max(0.0, min(1.0, ((x - 0.64) + (y - 0.64)) / (2 * 0.16)))
    px, py = 0.64 + 0.16 * t, 0.64 + 0.16 * t
    if math.hypot(x - px, y - py) <= 0.055:
        fg = 1.0
    for cx in (0.38, 0.47, 0.56):
        if math.hypot(x - cx, y - 0.47) <= 0.032:
            fg = 1.0
    return bg, fg * bg


def render(size, ss=4):
    pixels = bytearray(size * size * 4)
    for py in range(size):
        for px in range(size):
            bg_a = fg_a = 0.0
            for sy in range(ss):
                for sx in range(ss):
                    x = (px + (sx + 0.5) / ss) / size
                    y = (py + (sy + 0.5) / ss) / size
                    b, f = coverage(x, y)
                    bg_a += b
                    fg_a += f
            bg_a /= ss * ss
            fg_a /= ss * ss
            # Indigo-to-teal diagonal gradient.
            g = (px + py) / (2 * size)
            bg_rgb = (int(67 + (20 - 67) * g), int(56 + (150 - 56) * g), int(202 + (170 - 202) * g))
            if bg_a == 0:
                continue
            k = fg_a / bg_a
            rgb = [round(c * (1 - k) + 255 * k) for c in bg_rgb]
            i = (py * size + px) * 4
            pixels[i:i + 4] = bytes(rgb + [round(255 * bg_a)])
    return png_bytes(size, pixels)


def main():
    files = {"32x32.png": 32, "128x128.png": 128, "128x128@2x.png": 256, "icon.png": 512}
    for name, size in files.items():
        with open(os.path.join(HERE, name), "wb") as f:
            f.write(render(size))
    # ICO with one embedded 256x256 PNG (Windows Vista+ format).
    png = render(256)
    header = struct.pack("<HHH", 0, 1, 1) + struct.pack("<BBBBHHII", 0, 0, 0, 0, 1, 32, len(png), 22)
    with open(os.path.join(HERE, "icon.ico"), "wb") as f:
        f.write(header + png)


if __name__ == "__main__":
    main()
