"""Organization logos: PNG or JPEG up to 1 MB, judged by their content (never their name or the
declared type), decoded and re-encoded with Pillow so that nothing but pixels is kept (no EXIF,
no comments, no ICC profile, nothing appended after the image data)."""
import hashlib
import io

from portico_kit.errors import Invalid

MAX_BYTES = 1024 * 1024
MAX_PIXELS = 25_000_000  # decoded size: a 1 MB file may claim enormous dimensions (a "bomb")
MAX_SIDE = 1200          # what a letterhead needs; larger logos are scaled down
FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg"}


def refuse(reason):
    return Invalid(code="invalid_image", message=f"The logo must be a PNG or JPEG image of at most 1 MB ({reason}).",
                   fields={"logo": reason})


def clean(data):
    """(bytes, content_type, sha256) of the re-encoded image, or 422 invalid_image."""
    from PIL import Image, ImageOps, UnidentifiedImageError
    if not isinstance(data, (bytes, bytearray)) or not data:
        raise refuse("the file is empty")
    if len(data) > MAX_BYTES:
        raise refuse("the file is larger than 1 MB")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind = probe.format
            width, height = probe.size
            probe.verify()
        if kind not in FORMATS:
            raise refuse(f"this is {kind or 'not an image'}, not PNG or JPEG")
        if width * height > MAX_PIXELS:
            raise refuse("the image has too many pixels")
        with Image.open(io.BytesIO(data)) as image:
            image = ImageOps.exif_transpose(image)  # upright as the camera meant, before EXIF goes
            mode = "RGBA" if kind == "PNG" and ("A" in image.getbands() or "transparency" in image.info) else "RGB"
            pixels = image.convert(mode)
            pixels.thumbnail((MAX_SIDE, MAX_SIDE))
            fresh = Image.frombytes(mode, pixels.size, pixels.tobytes())  # pixels only, no metadata
    except Invalid:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise refuse("the content is not a readable image")
    out = io.BytesIO()
    if kind == "PNG":
        fresh.save(out, format="PNG", optimize=True)
    else:
        fresh.save(out, format="JPEG", quality=90, optimize=True)
    content = out.getvalue()
    return content, FORMATS[kind], hashlib.sha256(content).hexdigest()
