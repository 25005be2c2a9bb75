"""Pictures in and out: mvs's PNG/JPEG decoding, resizing, PNG writing and HDF5 Images against Pillow and h5py,
on scikit-image's sample photographs (fetched by scripts/fetch-models) and on damaged copies of them."""
import h5py
import numpy as np
import pytest
from PIL import Image

PHOTOS = ["chelsea.png", "astronaut.png", "coffee.png", "rocket.jpg"]


@pytest.fixture
def photos():
    from conftest import MODELS
    path = MODELS / "photos"
    assert (path / "rocket.jpg").exists(), f"run scripts/fetch-models first ({path})"
    return path


def pillow_rgb(path):
    return np.asarray(Image.open(path).convert("RGB"))


def test_decoded_pixels_equal_pillow_and_round_trip_through_png_and_hdf5(mvs, photos, tmp_path):
    lines = []
    for index, name in enumerate(PHOTOS):
        lines.append(f'p{index} = image("{photos / name}")')
        lines.append(f'write_image("{tmp_path}/p{index}.png", p{index})')
    lines.append(f'export_images("{tmp_path}/p.h5", ' + ", ".join(f"p{i}=p{i}" for i in range(len(PHOTOS))) + ")")
    mvs("-c", "; ".join(lines))
    with h5py.File(tmp_path / "p.h5") as f:
        for index, name in enumerate(PHOTOS):
            expected = pillow_rgb(photos / name)
            dataset = f[f"p{index}"]
            assert dataset.dtype == np.uint8 and dataset.shape == expected.shape
            # Decoding: every pixel equals Pillow's (the JPEG too: both use libjpeg's default integer IDCT and upsampling).
            np.testing.assert_array_equal(dataset[()], expected, err_msg=name)
            attributes = {key: value.decode() for key, value in dataset.attrs.items()}
            assert attributes == {"CLASS": "IMAGE", "IMAGE_SUBCLASS": "IMAGE_TRUECOLOR",
                                  "INTERLACE_MODE": "INTERLACE_PIXEL", "IMAGE_VERSION": "1.2"}
            # Writing: the PNG mvs wrote decodes (in Pillow) to the same pixels.
            np.testing.assert_array_equal(pillow_rgb(tmp_path / f"p{index}.png"), expected, err_msg=name)


def test_grey_palette_and_alpha_pngs_decode_as_pillow_converts_them(mvs, photos, tmp_path):
    cat = Image.open(photos / "chelsea.png").convert("RGB").crop((100, 50, 164, 98))
    variants = {
        "grey": cat.convert("L"),
        "palette": cat.convert("P", palette=Image.Palette.ADAPTIVE, colors=16),
        "alpha": cat.convert("RGBA"),
        "grey16": cat.convert("I;16"),
    }
    for name, picture in variants.items():
        picture.save(tmp_path / f"{name}.png")
    mvs("-c", "; ".join(f'export_images("{tmp_path}/{n}.h5", x=image("{tmp_path}/{n}.png"))' for n in variants))
    for name in variants:
        with h5py.File(tmp_path / f"{name}.h5") as f:
            mine = f["x"][()]
        expected = np.asarray(Image.open(tmp_path / f"{name}.png").convert("RGB"))
        if name == "grey16":
            # Pillow reads 16-bit grey as 32-bit integers and clips at 255 on convert; mvs keeps the high byte, as
            # libpng's strip_16 does. Compare with the high byte of the stored samples instead.
            raw = np.asarray(Image.open(tmp_path / f"{name}.png")).astype(np.uint32)
            expected = np.repeat((raw >> 8).astype(np.uint8)[:, :, None], 3, axis=2)
        np.testing.assert_array_equal(mine, expected, err_msg=name)


def test_resize_and_fit_agree_with_pillow_bicubic(mvs, photos, tmp_path):
    mvs("-c", f'c = image("{photos / "chelsea.png"}"); '
              f'export_images("{tmp_path}/r.h5", small=resize(c, 97, 61), large=resize(c, 500, 333), fit=image("{photos / "chelsea.png"}", size=224))')
    cat = Image.open(photos / "chelsea.png").convert("RGB")
    # Pillow's bicubic (a = -0.5, antialiased) rounds to 8 bits between its two passes with fixed-point weights; mvs keeps
    # float32 between them, so single levels differ.
    shorter = 224 / min(cat.size)
    fitted = cat.resize((round(cat.size[0] * shorter), round(cat.size[1] * shorter)), Image.Resampling.BICUBIC)
    left, top = (fitted.size[0] - 224) // 2, (fitted.size[1] - 224) // 2
    expected = {
        "small": cat.resize((97, 61), Image.Resampling.BICUBIC),
        "large": cat.resize((500, 333), Image.Resampling.BICUBIC),
        "fit": fitted.crop((left, top, left + 224, top + 224)),
    }
    with h5py.File(tmp_path / "r.h5") as f:
        for name, picture in expected.items():
            mine = f[name][()].astype(int)
            reference = np.asarray(picture).astype(int)
            assert mine.shape == reference.shape, name
            difference = np.abs(mine - reference)
            assert difference.max() <= 2, (name, difference.max())
            assert difference.mean() < 0.3, (name, difference.mean())


def test_damaged_pictures_give_one_precise_error(mvs, photos, tmp_path):
    png = (photos / "chelsea.png").read_bytes()
    jpeg = (photos / "rocket.jpg").read_bytes()
    broken = {
        "truncated.png": png[: len(png) // 2],
        "header-only.png": png[:40],
        "bad-crc.png": png[:33] + bytes([png[33] ^ 0xFF]) + png[34:],
        "truncated.jpg": jpeg[: len(jpeg) // 2],
        "header-only.jpg": jpeg[:20],
        "garbage.jpg": b"\xff\xd8\xff" + bytes(range(256)) * 4,
        "text.png": b"hello, not a picture",
        "empty.png": b"",
    }
    for name, data in broken.items():
        (tmp_path / name).write_bytes(data)
        result = mvs("-c", f'x = image("{tmp_path / name}")', check=False)
        assert result.returncode == 70, (name, result.returncode, result.stderr)
        assert str(tmp_path / name) in result.stderr, (name, result.stderr)
        assert "Fatal" not in result.stderr and "Segmentation" not in result.stderr, (name, result.stderr)
