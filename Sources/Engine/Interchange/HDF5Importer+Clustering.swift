// Reading an exported clustering back as a clustering (labels, centroids, true labels and scores as written).

extension HDF5Importer {
    /// The clustering `writeClustering` stored at `path`; its scores are read, not recomputed.
    func clustering(at path: String) throws -> Clustering {
        func read(_ name: String) throws -> HDF5Data? {
            file.contains(HDF5File.join(path, name)) ? try file.readData(HDF5File.join(path, name)) : nil
        }
        guard case let .integers(assignments)? = try read("labels") else {
            throw EngineError.malformed(path: file.path, message: "clustering '\(path)' has no integer 'labels' dataset")
        }
        // Labels and `k` are whatever the file says: bound them by the number of points before any arithmetic (a
        // label may be Int.max) and before `k` sizes anything (k-means never makes more clusters than points).
        let largest = assignments.max() ?? -1
        let count = try file.attribute("k", of: path)?.intValue ?? (largest < assignments.count ? largest + 1 : assignments.count)
        guard count >= 0, count <= assignments.count else {
            throw EngineError.malformed(path: file.path, message: "clustering '\(path)' claims \(count) clusters for \(assignments.count) points")
        }
        guard assignments.allSatisfy({ (0..<count).contains($0) }) else {
            throw EngineError.malformed(path: file.path, message: "clustering '\(path)' has labels outside 0..<\(count)")
        }
        var names: [String] = []
        if case let .strings(values)? = try read("names") { names = values }
        // Displays list each cluster's members by indexing labels through the names.
        guard names.isEmpty || names.count == assignments.count else {
            throw EngineError.malformed(path: file.path, message: "clustering '\(path)' has \(names.count) names for \(assignments.count) labels")
        }
        var truth: [String]?
        if case let .strings(values)? = try read("true_labels"), values.count == assignments.count { truth = values }
        var centroids: [[Double]] = []
        let centroidPath = HDF5File.join(path, "centroids")
        if file.contains(centroidPath), case let .doubles(values) = try file.readData(centroidPath), count > 0, values.count % count == 0 {
            let dimension = values.count / count
            centroids = (0..<count).map { Array(values[$0 * dimension..<($0 + 1) * dimension]) }
        }
        let score = { (key: String) throws -> Double? in try self.file.attribute(key, of: path)?.doubleValue }
        return Clustering(assignments: assignments, clusterCount: count, centroids: centroids, names: names, labels: truth,
                          method: try file.attribute("method", of: path)?.stringValue ?? "",
                          silhouette: try score("silhouette") ?? .nan, adjustedRand: try score("ari"),
                          mutualInformation: try score("nmi"), purity: try score("purity"), inertia: try score("inertia") ?? .nan)
    }
}

extension Clustering {
    /// A clustering as stored, with its scores given rather than computed.
    init(assignments: [Int], clusterCount: Int, centroids: [[Double]], names: [String], labels: [String]?, method: String,
         silhouette: Double, adjustedRand: Double?, mutualInformation: Double?, purity: Double?, inertia: Double) {
        self.assignments = assignments
        self.clusterCount = clusterCount
        self.centroids = centroids
        self.names = names
        self.labels = labels
        self.method = method
        self.silhouette = silhouette
        self.adjustedRand = adjustedRand
        self.mutualInformation = mutualInformation
        self.purity = purity
        self.inertia = inertia
    }
}
