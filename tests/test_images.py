"""Decoding the formats real downloads contain, refusing broken files, and the decode cache."""

import os
import time
import warnings

import numpy as np
import pytest
from PIL import Image

from support import png_declaring
from weather_core.data import images
from weather_core.data.images import MAX_PIXELS, DecodeCache, ImageError, decode, open_rgb

RED, BLUE = (220, 20, 20), (20, 20, 220)


def close(pixel, colour, tolerance=40):
    return all(abs(int(a) - int(b)) <= tolerance for a, b in zip(pixel, colour))


def test_png_named_jpg(tmp_path):
    path = tmp_path / "shine1.jpg"
    Image.new("RGB", (40, 30), RED).save(path, "PNG")
    array = decode(path, 16)
    assert array.shape == (16, 16, 3) and array.dtype == np.uint8
    assert close(array[8, 8], RED, 2)


def test_grayscale_becomes_three_equal_channels(tmp_path):
    path = tmp_path / "cloudy1.jpg"
    Image.new("L", (40, 30), 90).save(path, "JPEG")
    array = decode(path, 16)
    assert array.shape == (16, 16, 3)
    assert np.array_equal(array[..., 0], array[..., 1]) and np.array_equal(array[..., 1], array[..., 2])
    assert abs(int(array[8, 8, 0]) - 90) <= 3


def test_rgba_transparent_areas_become_white(tmp_path):
    path = tmp_path / "shine2.png"
    image = Image.new("RGBA", (40, 40), (0, 0, 0, 0))
    image.paste((*RED, 255), (0, 0, 20, 40))
    image.save(path)
    array = decode(path, 40)
    assert close(array[20, 5], RED, 2)
    assert close(array[20, 35], (255, 255, 255), 2)


def test_palette_gif(tmp_path):
    path = tmp_path / "rain1.jpg"
    Image.new("RGB", (30, 30), BLUE).convert("P", palette=Image.Palette.ADAPTIVE).save(path, "GIF")
    assert Image.open(path).mode == "P"
    assert close(decode(path, 8)[4, 4], BLUE, 6)


def test_animated_gif_uses_first_frame(tmp_path):
    path = tmp_path / "rain2.gif"
    frames = [Image.new("RGB", (30, 30), colour).convert("P") for colour in (RED, BLUE, (20, 200, 20))]
    frames[0].save(path, save_all=True, append_images=frames[1:], duration=100)
    assert Image.open(path).n_frames == 3
    assert close(decode(path, 8)[4, 4], RED, 30)


def test_cmyk_jpeg(tmp_path):
    path = tmp_path / "sunrise1.jpg"
    Image.new("CMYK", (40, 40), (0, 230, 230, 0)).save(path, "JPEG")
    assert Image.open(path).mode == "CMYK"
    array = decode(path, 16)
    red, green, blue = (int(v) for v in array[8, 8])
    assert red > 200 and green < 60 and blue < 60


def test_16_bit_png_is_scaled_not_clipped(tmp_path):
    path = tmp_path / "cloudy2.png"
    ramp = np.tile(np.linspace(0, 65535, 64, dtype=np.uint16), (16, 1))
    Image.fromarray(ramp).save(path)
    assert Image.open(path).mode.startswith("I")
    array = decode(path, 64)
    assert array[8, 2, 0] < 30 and array[8, 61, 0] > 225
    assert array[8, 32, 0] not in (0, 255)  # a ramp, not a clipped black/white picture


def _rotated_jpeg(path, width=400, height=200):
    # Stored landscape with a red top-left corner; EXIF 6 says "rotate 90 degrees clockwise".
    image = Image.new("RGB", (width, height), BLUE)
    image.paste(RED, (0, 0, width // 4, height // 4))
    exif = Image.Exif()
    exif[0x0112] = 6
    image.save(path, "JPEG", exif=exif.tobytes(), quality=95)


def test_exif_orientation_is_applied_before_resize(tmp_path):
    path = tmp_path / "shine3.jpg"
    _rotated_jpeg(path)
    upright = open_rgb(path)
    assert upright.size == (200, 400)  # width and height swapped
    assert close(upright.getpixel((190, 10)), RED) and close(upright.getpixel((10, 10)), BLUE)
    # The fast JPEG path (draft scaling) must rotate too.
    array = decode(path, 50)
    assert close(array[3, 46], RED) and close(array[3, 3], BLUE)
    assert close(array[46, 46], BLUE)


def test_truncated_jpeg_is_an_image_error(tmp_path):
    path = tmp_path / "cloudy3.jpg"
    noise = np.random.default_rng(0).integers(0, 256, (200, 200, 3), dtype=np.uint8)
    Image.fromarray(noise).save(path, "JPEG")
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    with pytest.raises(ImageError):
        decode(path, 32)
    with pytest.raises(ImageError):
        open_rgb(path)


def test_zero_byte_file_is_an_image_error(tmp_path):
    path = tmp_path / "cloudy4.jpg"
    path.write_bytes(b"")
    with pytest.raises(ImageError, match="not an image"):
        decode(path, 32)


def test_text_named_jpg_is_an_image_error(tmp_path):
    path = tmp_path / "rain3.jpg"
    path.write_text("this is not a photo\n")
    with pytest.raises(ImageError, match="not an image"):
        decode(path, 32)
    with pytest.raises(ImageError):
        decode(path.read_bytes(), 32)




@pytest.mark.parametrize("width,height", [(30000, 30000), (10000, 8000)])
def test_decompression_bomb_is_refused_quickly(tmp_path, width, height):
    path = tmp_path / "sunrise2.png"
    path.write_bytes(png_declaring(width, height))
    assert path.stat().st_size < 20_000
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        with pytest.raises(ImageError, match="too large"):
            decode(path, 64)
        _, errors = DecodeCache(tmp_path / "cache", 10**6).ensure_many([path], 64)
    assert "too large" in errors[str(path)]
    assert time.perf_counter() - start < 2.0
    with pytest.raises(ImageError) as refused:  # one message and one limit, whichever check caught it
        decode(path, 64)
    assert refused.value.key == "image_too_large" and refused.value.values == {
        "pixels": width * height, "limit": MAX_PIXELS}
    assert str(refused.value) == f"image too large: {width * height:,} pixels (limit {MAX_PIXELS:,})"


def _photo(path, colour):
    Image.new("RGB", (60, 40), colour).save(path, "JPEG")
    return path


def test_cache_decodes_each_file_once_per_size(tmp_path, monkeypatch):
    calls = []
    real_decode = images.decode
    monkeypatch.setattr(images, "decode", lambda path, size: calls.append((path, size)) or real_decode(path, size))
    path = _photo(tmp_path / "cloudy5.jpg", RED)
    cache = DecodeCache(tmp_path / "cache", 10**6)

    first = cache.load(path, 16)
    assert len(calls) == 1 and np.array_equal(first, real_decode(path, 16))
    assert np.array_equal(cache.load(path, 16), first)
    assert np.array_equal(DecodeCache(tmp_path / "cache", 10**6).load(path, 16), first)  # on disk
    assert len(calls) == 1

    copy = tmp_path / "copy_of_cloudy5.jpg"
    copy.write_bytes(path.read_bytes())
    cache.ensure(copy, 16)  # keyed by content: a copy is not decoded again
    assert len(calls) == 1
    cache.ensure(path, 24)  # another size is another decode
    assert len(calls) == 2


def test_ensure_many_reports_bad_files_and_keeps_the_rest(tmp_path):
    good = _photo(tmp_path / "rain4.jpg", BLUE)
    bad = tmp_path / "rain5.jpg"
    bad.write_text("nope")
    missing = tmp_path / "rain6.jpg"
    entries, errors = DecodeCache(tmp_path / "cache", 10**6).ensure_many([good, bad, missing], 16)
    assert list(entries) == [str(good)] and entries[str(good)].stat().st_size == 16 * 16 * 3
    assert set(errors) == {str(bad), str(missing)}


def test_cache_prunes_least_recently_used_entries(tmp_path):
    cache = DecodeCache(tmp_path / "cache", max_bytes=2 * 16 * 16 * 3)
    paths = [_photo(tmp_path / f"shine{i}.jpg", (40 * i, 100, 100)) for i in range(3)]
    entries = [cache.ensure(p, 16) for p in paths]
    now = time.time()
    for age, entry in zip((300, 200, 100), entries):
        os.utime(entry, (now - age, now - age))
    cache.ensure(paths[0], 16)  # a hit makes the oldest entry the most recent

    freed = cache.prune()
    assert freed == 16 * 16 * 3
    assert entries[0].exists() and not entries[1].exists() and entries[2].exists()
    assert cache.size_bytes() <= cache.max_bytes


def test_prune_never_drops_entries_in_use(tmp_path):
    from PIL import Image as PILImage

    from weather_core.data.images import DecodeCache

    photos = []
    for index in range(6):
        path = tmp_path / f"cloudy{index}.png"
        PILImage.new("RGB", (40, 40), (index * 40, 80, 120)).save(path)
        photos.append(path)
    cache = DecodeCache(tmp_path / "cache", max_bytes=2 * 32 * 32 * 3)  # room for two entries
    first, _ = cache.ensure_many(photos[:3], 32)
    second, _ = cache.ensure_many(photos[3:], 32, keep=first.values())
    assert all(entry.exists() for entry in [*first.values(), *second.values()])
    cache.prune()  # nothing in use any more: back under the limit
    assert cache.size_bytes() <= 2 * 32 * 32 * 3
