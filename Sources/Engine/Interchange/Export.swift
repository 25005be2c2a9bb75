// HDF5 export: options, the atomic top-level write, and the root metadata (version, time, sources, provenance).
import Foundation

/// Writes values to HDF5 (and models to safetensors) so that h5py, pandas, MATLAB and Julia read them directly.
///
/// The layout of each value kind is documented in `docs/hdf5.md`.
public enum Export {
    /// The mvs version written into every file.
    public static let version = "0.1.0"

    /// Which names a model's parameters are written under.
    public enum ModelNames: String, Sendable, CaseIterable {
        /// Canonical matrices (`layer.3.q`, canonical orientation d_in × d_out) under canonical names, and every
        /// parameter no canonical name covers (biases, norms, heads) under its raw name: nothing is lost.
        case canonical
        /// Every parameter under its raw name, as stored (what transformers, PEFT and mergekit expect).
        case raw
    }

    /// How an export writes.
    public struct Options: Sendable {
        /// Replace an existing file (or, when appending, existing objects of the same names).
        public var overwrite: Bool
        /// Add to an existing file (`mode="a"`) instead of creating one.
        public var append: Bool
        /// Chunk and gzip+shuffle every array (true), none (false), or arrays over 1 MiB (nil).
        public var compress: Bool?
        /// Names of model parameters.
        public var modelNames: ModelNames
        /// The script or REPL text that produced the values.
        public var provenance: String?

        public init(overwrite: Bool = false, append: Bool = false, compress: Bool? = nil,
                    modelNames: ModelNames = .canonical, provenance: String? = nil) {
            self.overwrite = overwrite
            self.append = append
            self.compress = compress
            self.modelNames = modelNames
            self.provenance = provenance
        }
    }

    /// Writes each value under `/name` of the HDF5 file at `path`, atomically.
    public static func hdf5(_ values: [(name: String, value: ExportValue)], to path: String, options: Options = Options()) throws {
        guard !values.isEmpty else {
            throw EngineError.invalidArgument("export needs at least one name=value to write")
        }
        for (name, _) in values { try validateName(name, what: "value") }
        let policy: TargetPolicy = options.append ? .append : .create(overwrite: options.overwrite, appendable: true)
        try atomically(path, policy: policy) { temporary, seeded in
            let writer = seeded ? try HDF5Writer(appendingTo: temporary, displayPath: path)
                                : try HDF5Writer(creating: temporary, displayPath: path)
            for (name, _) in values where try writer.exists(name) {
                guard options.overwrite else {
                    throw EngineError.exists(path: path, name: name, appendable: true)
                }
                try writer.delete(name)
            }
            let layout = HDF5Layout(writer: writer, options: options)
            for (name, value) in values { try layout.write(value, at: name) }
            try writeRootAttributes(writer, sources: values.flatMap(\.value.sources), seeded: seeded, options: options)
            try writer.close()
        }
    }

    /// Root attributes: `mvs_version`, `mvs_created` (and `mvs_modified` on append), `mvs_sources`, and
    /// `mvs_provenance` — one entry per export call that wrote into the file.
    private static func writeRootAttributes(_ writer: HDF5Writer, sources: [String], seeded: Bool, options: Options) throws {
        let reader = try writer.reader()
        let now = ISO8601DateFormatter().string(from: Date())
        try writer.setAttribute("mvs_version", .string(version))
        let created = try reader.attribute("mvs_created")
        if !seeded || created == nil {
            try writer.setAttribute("mvs_created", .string(now))
        }
        if seeded { try writer.setAttribute("mvs_modified", .string(now)) }
        var allSources = (try reader.attribute("mvs_sources")?.stringsValue) ?? []
        for source in sources where !allSources.contains(source) { allSources.append(source) }
        try writer.setAttribute("mvs_sources", .strings(allSources))
        if let provenance = options.provenance {
            let earlier = (try reader.attribute("mvs_provenance")?.stringsValue) ?? []
            try writer.setAttribute("mvs_provenance", .strings(earlier + [provenance]))
        }
    }

    /// The elements of an integer-typed tensor as integers; a non-finite or out-of-range element (which no
    /// integer file holds, but arithmetic could produce) is an error rather than a trap.
    static func integers(of tensor: Tensor, name: String) throws -> [Int] {
        try tensor.buffer.map { element in
            guard element.isFinite, abs(element) < 9.2e18 else {
                throw EngineError.invalidArgument("cannot write '\(name)' as integers (\(tensor.storedType.displayName)): it holds \(element)")
            }
            return Int(element.rounded())
        }
    }

    /// HDF5 link names cannot contain `/` (it separates groups) and cannot be `.`; mvs reserves `mvs_…`.
    static func validateName(_ name: String, what: String) throws {
        if name.isEmpty || name == "." || name == ".." || name.contains("/") {
            throw EngineError.invalidArgument("cannot export \(what) '\(name)': HDF5 names must be non-empty, not '.' or '..', and without '/'")
        }
        if name.hasPrefix("mvs_") {
            throw EngineError.invalidArgument("cannot export \(what) '\(name)': names starting with 'mvs_' are reserved for mvs's own attributes")
        }
    }
}
