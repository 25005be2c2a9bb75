// Reading PNG and JPEG files and writing PNG files through libpng and libjpeg (the one importer of CImage).
import CImage
import Foundation

/// PNG and JPEG files in and out; every failure is an `EngineError` naming the file.
public enum ImageFile {
    /// Pictures larger than this per side are refused before any pixel memory is allocated.
    public static let maximumSide = 16_384
    /// Pictures of more pixels than this (32 Mpixel: 128 MB as float32 RGB) are refused.
    public static let maximumPixels = 1 << 25

    /// Reads a PNG or JPEG file (told apart by its first bytes, not its name) as RGB in [0, 1], from a memory map.
    public static func read(_ path: String) throws -> RGBImage {
        let file: MappedFile
        do {
            file = try MappedFile(path: path)
        } catch {
            guard FileManager.default.fileExists(atPath: path) else { throw EngineError.io(path: path, message: "no such file") }
            throw error
        }
        return try read(file)
    }

    /// Reads the PNG or JPEG picture in `file` (a memory map, or bytes in memory named as a file) as RGB in [0, 1].
    public static func read(_ file: MappedFile) throws -> RGBImage {
        let path = file.path
        guard let base = file.base?.assumingMemoryBound(to: UInt8.self) else {
            throw EngineError.malformed(path: path, message: "the file is empty (expected a PNG or JPEG picture)")
        }
        let head = UnsafeBufferPointer(start: base, count: min(file.size, 8))
        let reader: (UnsafePointer<UInt8>, Int, UnsafeMutablePointer<mvs_image>, Int, Int, UnsafeMutablePointer<CChar>, Int) -> Int32
        if head.starts(with: [0x89, 0x50, 0x4E, 0x47]) {
            reader = mvs_png_read
        } else if head.starts(with: [0xFF, 0xD8, 0xFF]) {
            reader = mvs_jpeg_read
        } else {
            throw EngineError.malformed(path: path, message: "neither a PNG nor a JPEG file (it starts with "
                                        + head.prefix(4).map { String(format: "%02x", $0) }.joined(separator: " ") + ")")
        }
        var image = mvs_image(width: 0, height: 0, pixels: nil)
        var message = [CChar](repeating: 0, count: 512)
        let status = reader(base, file.size, &image, maximumSide, maximumPixels, &message, message.count)
        defer { mvs_image_free(&image) }
        guard status == 0, let pixels = image.pixels else {
            throw EngineError.malformed(path: path, message: "cannot decode the picture: " + text(message))
        }
        let count = Int(image.width) * Int(image.height) * 3
        return try RGBImage(width: Int(image.width), height: Int(image.height),
                            bytes: UnsafeBufferPointer(start: pixels, count: count))
    }

    /// Writes `image` as an 8-bit PNG at `path` (samples clamped to [0, 1]), atomically; an existing file is
    /// replaced only when `overwrite`.
    public static func writePNG(_ image: RGBImage, to path: String, overwrite: Bool = false) throws {
        let bytes = image.bytes
        try Export.atomically(path, policy: .create(overwrite: overwrite)) { temporary, _ in
            var message = [CChar](repeating: 0, count: 512)
            let status = bytes.withUnsafeBufferPointer { buffer in
                temporary.withCString { name in
                    mvs_png_write(name, Int32(image.width), Int32(image.height), buffer.baseAddress, &message, message.count)
                }
            }
            guard status == 0 else { throw EngineError.io(path: path, message: "cannot write the PNG: " + text(message)) }
        }
    }

    /// The C string in a message buffer.
    private static func text(_ message: [CChar]) -> String {
        String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
