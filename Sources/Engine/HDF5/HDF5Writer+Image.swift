// Pictures as HDF5 Images (the HDF5 Image and Palette Specification 1.2), which HDFView shows as pictures.
import CHDF5
import Foundation

extension HDF5Writer {
    /// Writes `bytes` (height × width × 3, 8-bit RGB) at `path` through the high-level library's
    /// `H5IMmake_image_24bit`, which adds the attributes the specification asks for: `CLASS = IMAGE`,
    /// `IMAGE_SUBCLASS = IMAGE_TRUECOLOR`, `INTERLACE_MODE = INTERLACE_PIXEL` and `IMAGE_VERSION = 1.2`.
    func writeImage(_ path: String, width: Int, height: Int, bytes: [UInt8]) throws {
        let id = try fileID()
        guard bytes.count == width * height * 3 else {
            throw EngineError.invalidArgument("an image of \(width) × \(height) needs \(width * height * 3) bytes, got \(bytes.count)")
        }
        try HDF5Library.locked {
            let absolute = HDF5File.absolute(path)
            _ = try bytes.withUnsafeBufferPointer { buffer in
                try HDF5Library.check(H5IMmake_image_24bit(id, absolute, hsize_t(width), hsize_t(height), "INTERLACE_PIXEL", buffer.baseAddress),
                                      "cannot write image '\(absolute)'", path: displayPath)
            }
        }
    }
}
