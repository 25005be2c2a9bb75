// Writing a chart as an SVG file, atomically (a temporary next to the target, then a rename).
import Foundation

extension Chart {
    /// Writes the chart as a standalone SVG of `width` × `height` pixels to `path`, replacing an existing
    /// file only once the new one is complete (re-plotting to the same file is the normal workflow).
    public func writeSVG(to path: String, width: Int = 720, height: Int = 450) throws {
        try SVGRenderer.write(SVGRenderer.render(self, width: width, height: height), to: path)
    }
}

extension SVGRenderer {
    /// Writes SVG text to `path` through a temporary file and a rename (charts and tree diagrams alike).
    static func write(_ text: String, to path: String) throws {
        try Export.atomically(path, policy: .create(overwrite: true)) { temporary, _ in
            do {
                try text.write(toFile: temporary, atomically: false, encoding: .utf8)
            } catch {
                throw EngineError.io(path: path, message: "cannot write: \(error.localizedDescription)")
            }
        }
    }
}
