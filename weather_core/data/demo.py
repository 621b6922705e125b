"""A built-in demo dataset: procedural sky pictures of the four classes, named like the real data
(cloudy1.jpg, rain1.jpg, ...). Deterministic by seed; the classes overlap a little, as real ones do."""

import re
from pathlib import Path

import numpy as np
from filelock import FileLock
from PIL import Image, ImageDraw, ImageFilter

from .. import CLASSES, settings
from .preparing import prepare

DEMO_SIZE = (160, 120)  # width, height
DEMO_PER_CLASS = 60
DEMO_SEED = 0
NAME_PATTERN = re.compile(r"^(" + "|".join(CLASSES) + r")\d+\.jpg$")


def generate(out_dir, per_class=DEMO_PER_CLASS, seed=DEMO_SEED, size=DEMO_SIZE) -> list[Path]:
    """Write per_class JPEGs of each class into out_dir; same seed, same bytes."""
    if per_class < 1:
        raise ValueError("per_class must be at least 1")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    # Drop pictures of an earlier run (maybe with more per class); leave the user's other files.
    for old in out_dir.iterdir():
        if NAME_PATTERN.match(old.name):
            old.unlink()
    paths = []
    for class_index, name in enumerate(CLASSES):
        for number in range(1, per_class + 1):
            # One generator per picture: picture k never depends on how many came before it.
            rng = np.random.default_rng([seed, class_index, number])
            pixels = PAINTERS[name](rng, *size)
            path = out_dir / f"{name}{number}.jpg"
            Image.fromarray(_to_uint8(pixels)).save(path, "JPEG", quality=90)
            paths.append(path)
    return paths


def ensure_demo_dataset(root=None) -> Path:
    """<root or data root>/demo/prepared, generated (demo/raw) and prepared on first use."""
    demo = Path(root) / "demo" if root else settings.demo_root()
    prepared = demo / "prepared"
    if (prepared / "prepared.json").exists():
        return prepared
    demo.mkdir(parents=True, exist_ok=True)
    # Two pages or processes may ask at once: the second waits, then finds it done.
    with FileLock(demo / ".lock"):
        if not (prepared / "prepared.json").exists():
            generate(demo / "raw", DEMO_PER_CLASS, DEMO_SEED)
            prepare(demo / "raw", prepared)
    return prepared


# ---------------------------------------------------------------------------------------------
# Painting helpers: float32 images of shape (height, width, 3) with values in [0, 1]


def smooth_noise(rng, width, height, octaves=4, cells=2, stretch=2.0) -> np.ndarray:
    """Fractal value noise in [0, 1]: random grids upsampled bicubically, finer ones weaker."""
    total = np.zeros((height, width), np.float32)
    weight = 0.0
    for octave in range(octaves):
        rows = cells * 2**octave + 1
        cols = int(rows * width / height / stretch) + 2  # fewer columns: clouds wider than tall
        grid = rng.random((rows, cols), dtype=np.float32)
        layer = Image.fromarray(grid).resize((width, height), Image.Resampling.BICUBIC)
        amplitude = 0.55**octave
        total += amplitude * np.asarray(layer)
        weight += amplitude
    total /= weight
    return (total - total.min()) / (total.max() - total.min() + 1e-6)


def gradient(width, height, stops) -> np.ndarray:
    """Vertical gradient through (position 0..1 from the top, rgb) stops."""
    y = np.linspace(0.0, 1.0, height)
    positions = [p for p, _ in stops]
    column = np.stack([np.interp(y, positions, [c[i] for _, c in stops]) for i in range(3)], axis=1)
    return np.repeat(column[:, None, :], width, axis=1).astype(np.float32)


def distance_from(width, height, cx, cy) -> np.ndarray:
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    return np.hypot(x - cx, y - cy)


def add_sun(sky, cx, cy, radius, colour, glow=0.8, spread=3.0, disc=True) -> np.ndarray:
    height, width, _ = sky.shape
    d = distance_from(width, height, cx, cy)
    colour = np.asarray(colour, np.float32)
    sky = sky + glow * np.exp(-d / (radius * spread))[..., None] * colour
    if disc:
        inside = np.clip(radius - d + 0.5, 0.0, 1.0)[..., None]  # anti-aliased edge
        sky = sky * (1 - inside) + inside * colour
    return sky


def add_clouds(sky, rng, cover, colour, shade=0.3, opacity=1.0, softness=0.08) -> np.ndarray:
    """Cover about `cover` of the picture with clouds, darker underneath their thick parts."""
    if cover <= 0:
        return sky
    height, width, _ = sky.shape
    density = smooth_noise(rng, width, height, octaves=5)
    threshold = np.quantile(density, 1.0 - min(cover, 0.999))
    mask = np.clip((density - threshold) / softness, 0.0, 1.0)[..., None] * opacity
    texture = smooth_noise(rng, width, height, octaves=4, cells=3)[..., None]
    cloud = np.asarray(colour, np.float32) * (1.0 - shade * texture)
    return sky * (1 - mask) + cloud * mask


def add_ground(image, rng, horizon, colour, kind=None) -> np.ndarray:
    """A ground silhouette below `horizon` (fraction of height): hills, flat land or buildings."""
    height, width, _ = image.shape
    kind = kind or rng.choice(["hills", "flat", "city", "trees"])
    line = np.full(width, horizon * height, np.float32)
    if kind == "hills":
        line -= smooth_noise(rng, width, 8, octaves=3)[0] * rng.uniform(0.05, 0.25) * height
    elif kind == "trees":
        line -= smooth_noise(rng, width, 8, octaves=5, cells=6)[0] * rng.uniform(0.04, 0.12) * height
    elif kind == "city":
        left = 0
        while left < width:
            block = int(rng.integers(6, 22))
            line[left:left + block] -= rng.uniform(0.0, 0.3) * height
            left += block
    y = np.arange(height)[:, None]
    mask = (y >= line[None, :]).astype(np.float32)[..., None]
    texture = 0.85 + 0.3 * smooth_noise(rng, width, height, octaves=3, cells=4)[..., None]
    ground = np.asarray(colour, np.float32) * texture
    return image * (1 - mask) + ground * mask


def add_rain(image, rng, count, alpha, angle_deg, length) -> np.ndarray:
    height, width, _ = image.shape
    layer = Image.new("L", (width, height), 0)
    draw = ImageDraw.Draw(layer)
    dx = np.sin(np.radians(angle_deg)) * length
    dy = np.cos(np.radians(angle_deg)) * length
    for x, y, bright in zip(rng.uniform(-20, width + 20, count), rng.uniform(-20, height, count),
                            rng.integers(120, 256, count)):
        draw.line([(x, y), (x + dx, y + dy)], fill=int(bright), width=1)
    layer = layer.filter(ImageFilter.GaussianBlur(0.6))
    streaks = np.asarray(layer, np.float32)[..., None] / 255.0 * alpha
    return image * (1 - streaks) + 0.85 * streaks


def _jitter(rng, colour, amount=0.06) -> np.ndarray:
    return np.clip(np.asarray(colour) + rng.uniform(-amount, amount, 3), 0, 1)


def _finish(rng, image) -> np.ndarray:
    """Camera-like variation: exposure, a colour cast, sensor noise, sometimes a mirror image."""
    image = image * rng.uniform(0.82, 1.15) * _jitter(rng, (1.0, 1.0, 1.0), 0.04)
    image = image + rng.normal(0, rng.uniform(0.005, 0.03), image.shape).astype(np.float32)
    return image[:, ::-1] if rng.random() < 0.5 else image


def _to_uint8(image) -> np.ndarray:
    return (np.clip(image, 0.0, 1.0) * 255 + 0.5).astype(np.uint8)


# ---------------------------------------------------------------------------------------------
# One painter per class


def paint_shine(rng, width, height) -> np.ndarray:
    top = (rng.uniform(0.08, 0.35), rng.uniform(0.3, 0.6), rng.uniform(0.7, 0.98))
    horizon_colour = (rng.uniform(0.55, 0.85), rng.uniform(0.7, 0.9), rng.uniform(0.85, 1.0))
    sky = gradient(width, height, [(0.0, top), (1.0, horizon_colour)])
    radius = rng.uniform(0.035, 0.08) * width
    in_frame = rng.random() < 0.75
    cx = rng.uniform(0.1, 0.9) * width
    cy = rng.uniform(0.05, 0.45) * height if in_frame else -rng.uniform(0.5, 2.0) * radius
    sky = add_sun(sky, cx, cy, radius, (1.0, 0.98, 0.85), glow=rng.uniform(0.4, 0.9), disc=in_frame)
    cover = rng.uniform(0.0, 0.3) if rng.random() < 0.7 else rng.uniform(0.35, 0.7)
    sky = add_clouds(sky, rng, cover, _jitter(rng, (0.97, 0.97, 0.97), 0.03), shade=0.2)
    if rng.random() < 0.2:  # late afternoon: warm light, a step towards sunrise colours
        sky = sky * np.array([1.08, 0.95, 0.8], np.float32)
    if rng.random() < 0.85:
        ground = _jitter(rng, rng.choice([(0.25, 0.45, 0.2), (0.45, 0.4, 0.3), (0.4, 0.4, 0.42)]))
        sky = add_ground(sky, rng, rng.uniform(0.6, 0.92), ground)
    return _finish(rng, sky)


def paint_cloudy(rng, width, height) -> np.ndarray:
    grey = rng.uniform(0.78, 0.93) if rng.random() < 0.3 else rng.uniform(0.45, 0.8)
    tint = _jitter(rng, (1.0, 1.0, 1.04), 0.03)
    sky = gradient(width, height, [(0.0, grey * 0.85 * tint), (1.0, grey * tint)])
    if rng.random() < 0.3:  # gaps of blue sky between the clouds
        blue = gradient(width, height, [(0.0, (0.3, 0.5, 0.85)), (1.0, (0.65, 0.78, 0.92))])
        sky = add_clouds(blue, rng, rng.uniform(0.7, 0.9), grey * tint, shade=0.35)
    else:
        sky = add_clouds(sky, rng, rng.uniform(0.85, 1.0), grey * tint, shade=0.4)
    sky = add_clouds(sky, rng, rng.uniform(0.2, 0.6), grey * 0.8 * tint, shade=0.3, opacity=0.6)
    if rng.random() < 0.2:  # the sun as a bright patch behind the clouds
        sky = add_sun(sky, rng.uniform(0.1, 0.9) * width, rng.uniform(0.05, 0.4) * height,
                      0.06 * width, (1.0, 1.0, 0.95), glow=0.25, disc=False)
    if rng.random() < 0.85:
        ground = _jitter(rng, (0.25, 0.3, 0.22)) * grey
        sky = add_ground(sky, rng, rng.uniform(0.6, 0.92), ground)
    return _finish(rng, sky)


def paint_rain(rng, width, height) -> np.ndarray:
    grey = rng.uniform(0.5, 0.72) if rng.random() < 0.3 else rng.uniform(0.25, 0.55)
    tint = _jitter(rng, (0.98, 1.0, 1.05), 0.03)
    sky = gradient(width, height, [(0.0, grey * 0.7 * tint), (1.0, grey * tint)])
    sky = add_clouds(sky, rng, rng.uniform(0.85, 1.0), grey * 0.9 * tint, shade=0.5)
    if rng.random() < 0.85:
        ground = _jitter(rng, (0.2, 0.22, 0.2)) * grey
        sky = add_ground(sky, rng, rng.uniform(0.6, 0.92), ground)
    faint = rng.random() < 0.3  # drizzle: barely visible streaks, close to a cloudy day
    count = int(rng.uniform(60, 160) if faint else rng.uniform(200, 700))
    alpha = rng.uniform(0.1, 0.25) if faint else rng.uniform(0.25, 0.6)
    sky = add_rain(sky, rng, count, alpha, rng.uniform(-25, 25), rng.uniform(5, 14))
    haze = rng.uniform(0.05, 0.3)
    sky = sky * (1 - haze) + haze * grey
    return _finish(rng, sky)


def paint_sunrise(rng, width, height) -> np.ndarray:
    top = (rng.uniform(0.05, 0.3), rng.uniform(0.05, 0.2), rng.uniform(0.2, 0.5))
    middle = (rng.uniform(0.6, 0.95), rng.uniform(0.3, 0.5), rng.uniform(0.35, 0.6))
    low = (rng.uniform(0.9, 1.0), rng.uniform(0.45, 0.75), rng.uniform(0.1, 0.35))
    horizon = rng.uniform(0.6, 0.9)
    sky = gradient(width, height, [(0.0, top), (horizon * 0.6, middle), (horizon, low), (1.0, low)])
    if rng.random() < 0.25:  # pale morning: mostly blue sky, only a warm band low down
        blue = gradient(width, height, [(0.0, (0.3, 0.5, 0.85)), (1.0, (0.7, 0.8, 0.92))])
        sky = blue * rng.uniform(0.4, 0.7) + sky * rng.uniform(0.3, 0.6)
    radius = rng.uniform(0.04, 0.08) * width
    cx, cy = rng.uniform(0.15, 0.85) * width, (horizon + rng.uniform(-0.12, 0.02)) * height
    sun = (1.0, rng.uniform(0.8, 0.95), rng.uniform(0.45, 0.7))
    sky = add_sun(sky, cx, cy, radius, sun, glow=rng.uniform(0.5, 1.0), spread=rng.uniform(3, 6))
    if rng.random() < 0.6:
        lit = rng.random() < 0.6
        colour = _jitter(rng, (0.95, 0.55, 0.5)) if lit else _jitter(rng, (0.25, 0.18, 0.25))
        sky = add_clouds(sky, rng, rng.uniform(0.1, 0.5), colour, shade=0.35, opacity=0.9)
    ground = _jitter(rng, (0.06, 0.05, 0.07), 0.04)
    sky = add_ground(sky, rng, horizon + rng.uniform(0.0, 0.05), ground)
    if rng.random() < 0.25:  # dusk: the whole picture darker
        sky = sky * rng.uniform(0.5, 0.75)
    return _finish(rng, sky)


PAINTERS = {
    "cloudy": paint_cloudy,
    "rain": paint_rain,
    "shine": paint_shine,
    "sunrise": paint_sunrise,
}
