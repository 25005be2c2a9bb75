// The value tree that export writes to HDF5 and import reads back, independent of the language's values.

/// A value as HDF5 export writes it and import returns it (Lang converts its own values to and from this).
public indirect enum ExportValue: Sendable {
    case number(Double)
    case bool(Bool)
    case string(String)
    case none
    case list([ExportValue])
    case record([(key: String, value: ExportValue)])
    case tensor(Tensor)
    case model(Model)
    case table(Table)
    /// One row per model (from `vectorize`).
    case vectors(VectorSet)
    /// Labels, centroids and scores (exported only: it comes back as a record).
    case clustering(Clustering)
    /// A picture, written as an 8-bit HDF5 Image (exported only: it comes back as a uint8 height × width × 3 array).
    case image(RGBImage)

    /// Model source files anywhere inside the value (for the file's `mvs_sources` attribute).
    var sources: [String] {
        switch self {
        case let .model(model): return [model.source]
        case let .list(items): return items.flatMap(\.sources)
        case let .record(fields): return fields.flatMap(\.value.sources)
        default: return []
        }
    }
}
