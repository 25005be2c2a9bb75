// PNG and JPEG through libpng and libjpeg: decode to 8-bit RGB and encode PNG, with every library error
// (corrupt or truncated data included) turned into a return code and a message instead of an exit or a crash.
#ifndef MVS_CIMAGE_H
#define MVS_CIMAGE_H

#include <stddef.h>

/// A decoded picture: width × height pixels of 8-bit R, G, B, row by row; free `pixels` with mvs_image_free.
typedef struct {
    int width;
    int height;
    unsigned char *pixels;
} mvs_image;

/// Reads the `length` bytes of a PNG file at `bytes` (any bit depth, palette, grey or alpha) as 8-bit RGB: palettes
/// and grey expand, 16-bit samples keep their high byte and alpha is dropped, as Pillow's convert("RGB") does.
/// Returns 0 on success, else -1 with a message in `message`. Pictures wider or taller than `max_side`, or of more
/// than `max_pixels`, are refused.
int mvs_png_read(const unsigned char *bytes, size_t length, mvs_image *out, long max_side, long max_pixels,
                 char *message, size_t capacity);

/// Reads the `length` bytes of a baseline or progressive JPEG file at `bytes` (grey, YCbCr or RGB) as 8-bit RGB; CMYK
/// is refused.
int mvs_jpeg_read(const unsigned char *bytes, size_t length, mvs_image *out, long max_side, long max_pixels,
                  char *message, size_t capacity);

/// Writes 8-bit RGB pixels (width × height × 3) as a PNG file at `path`.
int mvs_png_write(const char *path, int width, int height, const unsigned char *rgb, char *message, size_t capacity);

/// Frees the pixels of a decoded picture.
void mvs_image_free(mvs_image *image);

#endif
