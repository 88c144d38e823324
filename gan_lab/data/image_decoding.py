"""Decode image files with Pillow and bring them to one shape and channel count."""

import io
from collections import Counter

import numpy as np
from PIL import Image

# Extensions that are decoded. Other files count as "not an image" and are skipped.
IMAGE_SUFFIXES = frozenset(
    {".jpg", ".jpeg", ".png", ".bmp", ".gif", ".webp", ".tif", ".tiff", ".ppm", ".pgm", ".pbm"}
)
# Lanczos keeps edges sharp when shrinking and avoids aliasing, at some cost in speed.
RESAMPLING = Image.Resampling.LANCZOS
# Pillow raises these for files that are not images, truncated or corrupt.
DECODE_ERRORS = (OSError, ValueError, SyntaxError, EOFError, Image.DecompressionBombError)


def decode_image(data, target_size=None):
    """Decode image bytes to ``(pixels, natural_size)``, or None for unreadable bytes.

    pixels is uint8 (height, width) for grayscale or (height, width, 3), and
    natural_size is the (height, width) stored in the file.

    target_size (height, width) only lets JPEG decoding shrink large images by a power
    of two on the way in, which is much faster than a full decode. The result is still
    at least target_size and is resized later. Transparent images are composited onto
    white.
    """
    try:
        with Image.open(io.BytesIO(data)) as image:
            natural_size = (image.height, image.width)
            if target_size is not None and image.format == "JPEG":
                image.draft(None, (target_size[1], target_size[0]))
            image.load()
            return np.asarray(_to_rgb_or_gray(image), dtype=np.uint8), natural_size
    except DECODE_ERRORS:
        return None


def _to_rgb_or_gray(image):
    if image.mode == "F" or image.mode.startswith("I"):
        return _wide_gray_to_8_bits(image)
    if image.mode in ("RGB", "L") and "transparency" not in image.info:
        return image
    is_gray = image.mode in ("1", "L", "LA")
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        flattened = Image.alpha_composite(background, rgba)
        return flattened.convert("L" if is_gray else "RGB")
    return image.convert("L" if is_gray else "RGB")


def _wide_gray_to_8_bits(image):
    # 16-bit and float grayscale: scale by the image's own maximum instead of clipping.
    values = np.asarray(image, dtype=np.float64)
    peak = values.max() if values.size else 0.0
    scale = 255.0 / peak if peak > 0 else 0.0
    return Image.fromarray(np.clip(values * scale, 0, 255).round().astype(np.uint8))


def stack_images(arrays, image_size=None):
    """Stack decoded arrays into uint8 (n, height, width, channels).

    Images are resized to image_size (height, width) if given, otherwise to the most
    common size among them. channels is 1 only when every image is grayscale, and
    grayscale images in a mixed set are copied into three channels.
    """
    if image_size is None:
        image_size = Counter(array.shape[:2] for array in arrays).most_common(1)[0][0]
    all_gray = all(array.ndim == 2 for array in arrays)

    resized = [resize_array(array, image_size) for array in arrays]
    if all_gray:
        return np.stack(resized)[..., None]
    return np.stack([_as_rgb(array) for array in resized])


def _as_rgb(array):
    if array.ndim == 2:
        return np.repeat(array[..., None], 3, axis=-1)
    return array


def resize_array(array, image_size):
    """Resize uint8 (h, w) or (h, w, c) to image_size (height, width), or return it unchanged."""
    if array.shape[:2] == tuple(image_size):
        return array
    squeeze = array.ndim == 3 and array.shape[2] == 1
    image = Image.fromarray(array[..., 0] if squeeze else array)
    resized = np.asarray(image.resize((image_size[1], image_size[0]), RESAMPLING))
    return resized[..., None] if squeeze else resized


def resize_images(images, image_size):
    """Resize uint8 (n, h, w, c) to (n, height, width, c), or return it unchanged if it fits."""
    if image_size is None or images.shape[1:3] == tuple(image_size):
        return images
    return np.stack([resize_array(image, image_size) for image in images])
