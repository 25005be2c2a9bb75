// libpng and libjpeg behind setjmp: their error handlers longjmp back here, never across Swift frames.
#include "CImage.h"

#include <stdio.h>  // before jpeglib.h, which uses FILE without including it

#include <jerror.h>
#include <jpeglib.h>
#include <png.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static void say(char *message, size_t capacity, const char *format, ...) {
    if (capacity == 0) return;
    va_list arguments;
    va_start(arguments, format);
    vsnprintf(message, capacity, format, arguments);
    va_end(arguments);
}

void mvs_image_free(mvs_image *image) {
    if (image == NULL) return;
    free(image->pixels);
    image->pixels = NULL;
}

/// Checks a picture's size against the limits; the product is formed in 64 bits so it cannot overflow.
static int size_allowed(long width, long height, long max_side, long max_pixels, char *message, size_t capacity) {
    if (width <= 0 || height <= 0) {
        say(message, capacity, "the picture has no pixels (%ld × %ld)", width, height);
        return 0;
    }
    if (width > max_side || height > max_side || (long long)width * (long long)height > (long long)max_pixels) {
        say(message, capacity, "the picture is %ld × %ld, more than mvs reads (at most %ld per side and %ld pixels)",
            width, height, max_side, max_pixels);
        return 0;
    }
    return 1;
}

/// Empties `out` and opens the encoded bytes as a read-only stream (fmemopen: libpng and libjpeg read a FILE, and
/// the bytes may be a memory map or a fuzzer's input, never a path); NULL (with a message) when it cannot.
static FILE *start_reading(const unsigned char *bytes, size_t length, mvs_image *out, char *message, size_t capacity) {
    out->width = 0;
    out->height = 0;
    out->pixels = NULL;
    FILE *file = length == 0 ? NULL : fmemopen((void *)bytes, length, "rb");  // "rb" never writes through the cast
    if (file == NULL) say(message, capacity, length == 0 ? "the file is empty" : "cannot open the bytes as a stream");
    return file;
}

// MARK: PNG

/// What libpng's error callback needs: where to jump and where to write the message.
typedef struct {
    jmp_buf jump;
    char *message;
    size_t capacity;
    FILE *file;
} png_failure;

static void png_failed(png_structp png, png_const_charp text) {
    png_failure *failure = (png_failure *)png_get_error_ptr(png);
    // libpng says only "Read Error" when the data runs out; say why.
    if (failure->file != NULL && feof(failure->file)) {
        say(failure->message, failure->capacity, "the file ends early (truncated?): %s", text);
    } else {
        say(failure->message, failure->capacity, "%s", text);
    }
    longjmp(failure->jump, 1);
}

static void png_warned(png_structp png, png_const_charp text) {
    (void)png;
    (void)text;  // warnings (odd chunks, CRC of ancillary chunks) do not stop the decode
}

/// libpng's two structs for reading or for writing; 0, with `file` closed and a message, when there is no memory
/// for them.
static int png_start(int writing, png_failure *failure, FILE *file, png_structp *png, png_infop *info) {
    *png = writing ? png_create_write_struct(PNG_LIBPNG_VER_STRING, failure, png_failed, png_warned)
                   : png_create_read_struct(PNG_LIBPNG_VER_STRING, failure, png_failed, png_warned);
    *info = *png ? png_create_info_struct(*png) : NULL;
    if (*info != NULL) return 1;
    if (*png != NULL && writing) png_destroy_write_struct(png, NULL);
    if (*png != NULL && !writing) png_destroy_read_struct(png, NULL, NULL);
    fclose(file);
    say(failure->message, failure->capacity, "out of memory starting libpng");
    return 0;
}

int mvs_png_read(const unsigned char *bytes, size_t length, mvs_image *out, long max_side, long max_pixels,
                 char *message, size_t capacity) {
    FILE *file = start_reading(bytes, length, out, message, capacity);
    if (file == NULL) return -1;
    unsigned char signature[8];
    if (fread(signature, 1, 8, file) != 8 || png_sig_cmp(signature, 0, 8) != 0) {
        fclose(file);
        say(message, capacity, "not a PNG file (no PNG signature)");
        return -1;
    }
    png_failure failure = {.message = message, .capacity = capacity, .file = file};
    png_structp png;
    png_infop info;
    if (!png_start(0, &failure, file, &png, &info)) return -1;
    // Volatile: assigned between setjmp and a possible longjmp, read after it.
    unsigned char *volatile pixels = NULL;
    png_bytep *volatile rows = NULL;
    if (setjmp(failure.jump)) {
        png_destroy_read_struct(&png, &info, NULL);
        free(rows);
        free(pixels);
        fclose(file);
        return -1;
    }
    png_init_io(png, file);
    png_set_sig_bytes(png, 8);
    png_set_user_limits(png, (png_uint_32)max_side, (png_uint_32)max_side);
    png_read_info(png, info);
    png_uint_32 width = png_get_image_width(png, info), height = png_get_image_height(png, info);
    if (!size_allowed((long)width, (long)height, max_side, max_pixels, message, capacity)) longjmp(failure.jump, 1);
    int colour = png_get_color_type(png, info);
    if (png_get_bit_depth(png, info) == 16) png_set_strip_16(png);
    if (colour == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
    if (colour == PNG_COLOR_TYPE_GRAY || colour == PNG_COLOR_TYPE_GRAY_ALPHA) {
        png_set_expand_gray_1_2_4_to_8(png);
        png_set_gray_to_rgb(png);
    }
    png_set_strip_alpha(png);
    // tRNS (transparency of palette or grey entries) would add alpha after expansion; it is dropped too.
    if (png_get_valid(png, info, PNG_INFO_tRNS)) png_set_tRNS_to_alpha(png);
    (void)png_set_interlace_handling(png);
    png_read_update_info(png, info);
    if (png_get_rowbytes(png, info) != (size_t)width * 3) {
        say(message, capacity, "libpng did not give 8-bit RGB rows (%zu bytes for %u pixels)",
            (size_t)png_get_rowbytes(png, info), (unsigned)width);
        longjmp(failure.jump, 1);
    }
    pixels = malloc((size_t)width * (size_t)height * 3);
    rows = malloc(sizeof(png_bytep) * (size_t)height);
    if (pixels == NULL || rows == NULL) {
        say(message, capacity, "out of memory for %u × %u pixels", (unsigned)width, (unsigned)height);
        longjmp(failure.jump, 1);
    }
    for (png_uint_32 row = 0; row < height; row++) rows[row] = pixels + (size_t)row * width * 3;
    png_read_image(png, rows);
    png_read_end(png, NULL);
    png_destroy_read_struct(&png, &info, NULL);
    free(rows);
    fclose(file);
    out->width = (int)width;
    out->height = (int)height;
    out->pixels = pixels;
    return 0;
}

int mvs_png_write(const char *path, int width, int height, const unsigned char *rgb, char *message, size_t capacity) {
    FILE *file = fopen(path, "wb");
    if (file == NULL) {
        say(message, capacity, "cannot create the file");
        return -1;
    }
    png_failure failure = {.message = message, .capacity = capacity, .file = NULL};
    png_structp png;
    png_infop info;
    if (!png_start(1, &failure, file, &png, &info)) return -1;
    if (setjmp(failure.jump)) {
        png_destroy_write_struct(&png, &info);
        fclose(file);
        return -1;
    }
    png_init_io(png, file);
    png_set_IHDR(png, info, (png_uint_32)width, (png_uint_32)height, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    for (int row = 0; row < height; row++) png_write_row(png, rgb + (size_t)row * (size_t)width * 3);
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    if (fclose(file) != 0) {
        say(message, capacity, "cannot finish writing the file");
        return -1;
    }
    return 0;
}

// MARK: JPEG

/// libjpeg's error manager extended with where to jump.
typedef struct {
    struct jpeg_error_mgr manager;
    jmp_buf jump;
    char *message;
    size_t capacity;
} jpeg_failure;

static void jpeg_failed(j_common_ptr jpeg) {
    jpeg_failure *failure = (jpeg_failure *)jpeg->err;
    char text[JMSG_LENGTH_MAX];
    (*jpeg->err->format_message)(jpeg, text);
    say(failure->message, failure->capacity, "%s", text);
    longjmp(failure->jump, 1);
}

/// A truncated file makes libjpeg warn ("Premature end of JPEG file") and pad with grey; mvs refuses it instead.
static void jpeg_warned(j_common_ptr jpeg, int level) {
    if (level < 0 && jpeg->err->msg_code == JWRN_JPEG_EOF) jpeg_failed(jpeg);
}

int mvs_jpeg_read(const unsigned char *bytes, size_t length, mvs_image *out, long max_side, long max_pixels,
                  char *message, size_t capacity) {
    FILE *file = start_reading(bytes, length, out, message, capacity);
    if (file == NULL) return -1;
    struct jpeg_decompress_struct jpeg;
    jpeg_failure failure;
    jpeg.err = jpeg_std_error(&failure.manager);
    failure.manager.error_exit = jpeg_failed;
    failure.manager.emit_message = jpeg_warned;
    failure.message = message;
    failure.capacity = capacity;
    unsigned char *volatile pixels = NULL;
    if (setjmp(failure.jump)) {
        jpeg_destroy_decompress(&jpeg);
        free(pixels);
        fclose(file);
        return -1;
    }
    jpeg_create_decompress(&jpeg);
    jpeg_stdio_src(&jpeg, file);
    jpeg_read_header(&jpeg, TRUE);
    if (jpeg.jpeg_color_space == JCS_CMYK || jpeg.jpeg_color_space == JCS_YCCK) {
        say(message, capacity, "CMYK JPEG files are not supported (convert the file to RGB)");
        longjmp(failure.jump, 1);
    }
    if (!size_allowed((long)jpeg.image_width, (long)jpeg.image_height, max_side, max_pixels, message, capacity)) {
        longjmp(failure.jump, 1);
    }
    jpeg.out_color_space = JCS_RGB;
    jpeg_start_decompress(&jpeg);
    if (jpeg.output_components != 3) {
        say(message, capacity, "libjpeg gave %d components, expected 3", jpeg.output_components);
        longjmp(failure.jump, 1);
    }
    size_t stride = (size_t)jpeg.output_width * 3;
    pixels = malloc(stride * (size_t)jpeg.output_height);
    if (pixels == NULL) {
        say(message, capacity, "out of memory for %u × %u pixels", (unsigned)jpeg.output_width, (unsigned)jpeg.output_height);
        longjmp(failure.jump, 1);
    }
    while (jpeg.output_scanline < jpeg.output_height) {
        JSAMPROW row = pixels + (size_t)jpeg.output_scanline * stride;
        jpeg_read_scanlines(&jpeg, &row, 1);
    }
    jpeg_finish_decompress(&jpeg);
    out->width = (int)jpeg.output_width;
    out->height = (int)jpeg.output_height;
    out->pixels = pixels;
    jpeg_destroy_decompress(&jpeg);
    fclose(file);
    return 0;
}
