"""Render the demo's captioned video: 12 s, 480x270, VP9 in WebM, a soft chime per card.

Not part of the demo or the product: run by hand in an environment with PyAV, NumPy and Pillow
(see LICENCE.md). The output is committed, so `make demo` needs none of them.
"""

import fractions
import math
from pathlib import Path

import av
import numpy as np
from PIL import Image, ImageDraw, ImageFont

W, H, FPS, SECONDS = 480, 270, 12, 12
SLIDES = [
    (0, 4, "Everyday respect", "Listening first"),
    (4, 8, "Ask, don't assume", "Check what the person needs"),
    (8, 12, "Speak up", "Respect is everyone's job"),
]
try:
    big = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", 30)
    small = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 20)
except OSError:
    big = small = ImageFont.load_default()
out = av.open(str(Path(__file__).with_name("everyday-respect.webm")), "w", format="webm")
v = out.add_stream("libvpx-vp9", rate=FPS)
v.width, v.height, v.pix_fmt = W, H, "yuv420p"
v.options = {"crf": "40", "b:v": "0", "deadline": "good", "cpu-used": "4"}
a = out.add_stream("libopus", rate=48000)
a.layout = "mono"
a.bit_rate = 24000
for i in range(FPS * SECONDS):
    t = i / FPS
    title, line = next((s[2], s[3]) for s in SLIDES if s[0] <= t < s[1])
    img = Image.new("RGB", (W, H), (0, 48, 135))
    d = ImageDraw.Draw(img)
    d.text((W // 2, 100), title, font=big, fill="white", anchor="mm")
    d.text((W // 2, 150), line, font=small, fill=(255, 221, 0), anchor="mm")
    x = int(40 + (W - 80) * t / SECONDS)
    d.rectangle((40, 220, W - 40, 226), fill=(80, 110, 180))
    d.rectangle((40, 220, x, 226), fill="white")
    for p in v.encode(av.VideoFrame.from_image(img)):
        out.mux(p)
for p in v.encode():
    out.mux(p)
SR, N = 48000, 960
total = SR * SECONDS
for start in range(0, total, N):
    tt = np.arange(start, start + N) / SR
    # A soft chime at the start of each slide.
    env = np.exp(-((tt % 4) * 3.0))
    samples = (0.15 * env * np.sin(2 * math.pi * 523.25 * tt)).astype(np.float32).reshape(1, -1)
    f = av.AudioFrame.from_ndarray(samples, format="flt", layout="mono")
    f.sample_rate = SR
    f.pts = start
    f.time_base = fractions.Fraction(1, SR)
    for p in a.encode(f):
        out.mux(p)
for p in a.encode():
    out.mux(p)
out.close()
