// Zoo builtins: model lists, vectorising fine-tunes, similarity, clustering, neighbours and PCA.
import Engine
import Foundation

enum ZooBuiltins {
    static let all: [Builtin] = [models, shard, mergeShards, vectorize, similarity, cluster, neighbors, pca]

    static let models = Builtin(
        name: "models", parameters: [.required("path")], group: "zoo",
        summary: "a lazy list of models from a manifest CSV (path, name, label) or a directory of models",
        example: "zoo = models(\"zoo/manifest.csv\")") { arguments in
        let path = try arguments.string("path")
        let location = FilePath.expandingTilde(path)
        return .zoo(try Zoo.open(location) { member in try ModelLoader.load(member) })
    }

    static let shard = Builtin(
        name: "shard", parameters: [.required("zoo"), .optional("i", "$SLURM_ARRAY_TASK_ID"), .optional("n", "$SLURM_ARRAY_TASK_COUNT")],
        group: "zoo",
        summary: "shard i of n of a zoo: contiguous by position, sizes within one (i, n from the Slurm array task when omitted)",
        example: "v = vectorize(shard(zoo, 2, 4), base=base)") { arguments in
        let zoo = try zooArgument(arguments, "zoo")
        let index = arguments.has("i") ? try arguments.int("i") : try SlurmArrayTask.id()
        let count = arguments.has("n") ? try arguments.int("n") : try SlurmArrayTask.count()
        return .zoo(try zoo.shard(index, of: count))
    }

    static let mergeShards = Builtin(
        name: "merge_shards", parameters: [.required("path"), .required("shards"), .optional("copy", "false"), .optional("overwrite", "false")],
        group: "zoo",
        summary: "join a study's shard files (a list of paths, or a study directory) into one HDF5 file, checking them first",
        example: "merge_shards(\"study.h5\", \"out/study\")") { arguments in
        let target = FilePath.expandingTilde(try arguments.string("path"))
        let paths: [String]
        switch arguments.value("shards") {
        case let .string(folder)?:
            let directory = StudyDirectory(FilePath.expandingTilde(folder))
            paths = try directory.load().tasks.map(directory.shardPath)
        case let .list(items)?:
            paths = try items.map { item in
                guard case let .string(path) = item else { throw ArgumentError("merge_shards(): 'shards' must list file paths, found \(item.typeName)") }
                return FilePath.expandingTilde(path)
            }
        case let value?: throw ArgumentError("merge_shards(): 'shards' must be a list of shard files or a study directory, got \(value.typeName)")
        case nil: throw ArgumentError("merge_shards() missing argument 'shards'")
        }
        let summary = try ShardMerge.merge(paths, into: target, options: ShardMerge.Options(
            overwrite: try arguments.bool("overwrite", default: false), copy: try arguments.bool("copy", default: false)))
        return .record(Record([("path", .string(target)), ("models", .number(Double(summary.models))),
                               ("map_shards", .number(Double(summary.mapShards))), ("gram_shards", .number(Double(summary.gramShards))),
                               ("values", .list(summary.values.map(Value.string)))]))
    }

    static let vectorize = Builtin(
        name: "vectorize",
        parameters: [.required("zoo"), .required("base"), .optional("stat", "\"sketch\""), .optional("dim", "512"),
                     .optional("seed", "0"), .optional("include_embed", "false"), .optional("normalize", "auto")],
        group: "zoo",
        summary: "one vector per model of its delta from base: a seeded sketch (default) or a layer × component profile",
        example: "v = vectorize(zoo, base=base, stat=\"rel\", normalize=\"model\")") { arguments in
        let zoo = try zooArgument(arguments, "zoo")
        let base = try arguments.model("base")
        let stat = try arguments.string("stat", default: "sketch")
        let selection = DeltaSelection(includeEmbed: try arguments.bool("include_embed", default: false))
        let normalize = try arguments.string("normalize", default: "auto")
        guard ["auto", "none", "unit", "model"].contains(normalize) else {
            throw ArgumentError("vectorize(): normalize must be \"none\", \"unit\" or \"model\", got \"\(normalize)\"")
        }
        var vectors: VectorSet
        if stat == "sketch" {
            let dimension = try arguments.int("dim", default: 512)
            let seed = try arguments.int("seed", default: 0)
            guard seed >= 0 else { throw ArgumentError("vectorize(): seed must be ≥ 0, got \(seed)") }
            vectors = try Vectorize.sketch(zoo, base: base, dimension: dimension, seed: UInt64(seed), selection: selection)
            // The direction of an update carries the task, its size mostly the learning rate: unit rows by default.
            if normalize == "auto" || normalize == "unit" { vectors = try vectors.unitRows() }
        } else {
            guard let statistic = DeltaStatistic(rawValue: stat) else {
                let known = ["sketch"] + DeltaStatistic.allCases.map(\.rawValue)
                throw ArgumentError("vectorize(): unknown stat \"\(stat)\"; known: \(known.joined(separator: ", "))"
                                    + Suggest.hint(for: stat, in: known))
            }
            vectors = try Vectorize.profile(zoo, base: base, statisticName: stat,
                                            statistic: { try statistic.value(delta: $0, base: $1) },
                                            normalizePerModel: normalize == "model", selection: selection)
            if normalize == "unit" { vectors = try vectors.unitRows() }
        }
        return .vectors(vectors)
    }

    static let similarity = Builtin(
        name: "similarity", parameters: [.required("zoo"), .required("base"), .optional("include_embed", "false")],
        group: "zoo",
        summary: "the exact cosine matrix between all models' full deltas (one pass over the files)",
        example: "s = similarity(zoo, base=base)") { arguments in
        let zoo = try zooArgument(arguments, "zoo")
        let (matrix, names) = try DeltaSimilarity.cosine(zoo, base: try arguments.model("base"),
                                                         selection: DeltaSelection(includeEmbed: try arguments.bool("include_embed", default: false)))
        return .vectors(VectorSet(matrix: matrix, names: names, labels: zoo.labels, columnNames: names,
                                  statistic: "similarity", kind: .similarity))
    }

    static let cluster = Builtin(
        name: "cluster",
        parameters: [.required("vectors"), .required("k"), .optional("method", "\"kmeans\""), .optional("linkage", "\"ward\""),
                     .optional("metric", "\"euclidean\""), .optional("normalize", "false"), .optional("seed", "0"),
                     .optional("restarts", ClusterOptions(k: 1).restarts)],
        group: "zoo",
        summary: "k-means (k-means++, seeded restarts) or agglomerative clustering, with silhouette, ARI, NMI, purity",
        example: "c = cluster(v, k=4, method=\"agglomerative\", linkage=\"average\", metric=\"cosine\")") { arguments in
        let vectors = try vectorsArgument(arguments, "vectors")
        var options = ClusterOptions(k: try arguments.int("k"))
        let similarityDefault = vectors.kind == .similarity
        options.method = try arguments.string("method", default: similarityDefault ? "agglomerative" : "kmeans")
        let linkage = try arguments.string("linkage", default: similarityDefault ? "average" : "ward")
        guard let parsedLinkage = Linkage(rawValue: linkage) else {
            throw ArgumentError("cluster(): linkage must be \"ward\", \"average\" or \"complete\", got \"\(linkage)\"")
        }
        options.linkage = parsedLinkage
        let metric = try arguments.string("metric", default: "euclidean")
        guard let parsedMetric = ClusterMetric(rawValue: metric) else {
            throw ArgumentError("cluster(): metric must be \"euclidean\" or \"cosine\", got \"\(metric)\"")
        }
        options.metric = parsedMetric
        options.normalize = try arguments.bool("normalize", default: false)
        let seed = try arguments.int("seed", default: 0)
        guard seed >= 0 else { throw ArgumentError("cluster(): seed must be ≥ 0, got \(seed)") }
        options.seed = UInt64(seed)
        options.restarts = try arguments.int("restarts", default: options.restarts)
        return .clustering(try Clustering.of(vectors, options: options))
    }

    static let neighbors = Builtin(
        name: "neighbors", parameters: [.required("vectors"), .required("i"), .optional("k", "5")], group: "zoo",
        summary: "the k models nearest to model i by cosine (i is an index or a name)",
        example: "neighbors(v, \"sentiment-0\", k=3)") { arguments in
        let vectors = try vectorsArgument(arguments, "vectors")
        let index: Int
        if case let .string(name)? = arguments.value("i") {
            guard let found = vectors.names.firstIndex(of: name) else {
                throw ArgumentError("neighbors(): no model named '\(name)'" + Suggest.hint(for: name, in: vectors.names))
            }
            index = found
        } else {
            index = try arguments.int("i")
        }
        let found = try VectorAnalysis.neighbors(vectors.rows, of: index, k: try arguments.int("k", default: 5))
        var table = Table()
        try table.append("rank", .int(found.indices.map { $0 + 1 }))
        try table.append("name", .string(found.map { vectors.names[$0.row] }))
        if let labels = vectors.labels { try table.append("label", .string(found.map { labels[$0.row] })) }
        try table.append("cosine", .double(found.map(\.cosine)))
        return .table(table)
    }

    static let pca = Builtin(
        name: "pca", parameters: [.required("vectors"), .optional("components", "2")], group: "zoo",
        summary: "principal-component scores of each model's vector, as a table (name, label, pc1, pc2, …; the matrix `scores` for export) with the explained variance ratios attached",
        example: "pca(v, 2)") { arguments in
        let vectors = try vectorsArgument(arguments, "vectors")
        let components = try arguments.int("components", default: 2)
        let (scores, explained) = try VectorAnalysis.principalComponents(vectors.rows, components: components)
        var table = Table()
        try table.append("name", .string(vectors.names))
        if let labels = vectors.labels { try table.append("label", .string(labels)) }
        for component in 0..<components { try table.append("pc\(component + 1)", .double(scores.map { $0[component] })) }
        table.attachments["explained_variance"] = try Tensor(shape: [components], values: explained.map(Float.init))
        table.matrices["scores"] = try LabelledMatrix(Tensor(shape: [vectors.count, components], values: scores.flatMap { $0.map(Float.init) }),
                                                      rows: MatrixAxis("model", vectors.names.count == vectors.count ? .string(vectors.names) : .int(Array(0..<vectors.count))),
                                                      columns: MatrixAxis("component", .string((1...components).map { "pc\($0)" })))
        return .table(table)
    }

    static func zooArgument(_ arguments: Arguments, _ name: String) throws -> Zoo {
        switch try arguments.given(name) {
        case let .zoo(zoo): return zoo
        case let .list(items):
            // A plain list of models works too (already loaded; memory is the user's choice).
            let models = try items.map { item -> Model in
                guard case let .model(model) = item else { throw ArgumentError("\(arguments.callee)(): '\(name)' must be a zoo or a list of models, found \(item.typeName)") }
                return model
            }
            let byName = Dictionary(models.enumerated().map { ("#\($0.offset)", $0.element) }, uniquingKeysWith: { first, _ in first })
            let entries = models.enumerated().map { ZooEntry(path: "#\($0.offset)", name: $0.element.name, label: nil) }
            return Zoo(entries: entries, source: "list") { key in
                guard let model = byName[key] else { throw EngineError.io(path: key, message: "no such list member") }
                return model
            }
        case let value: throw ArgumentError("\(arguments.callee)(): '\(name)' must be a zoo (from models()) or a list of models, got \(value.typeName)")
        }
    }

    private static func vectorsArgument(_ arguments: Arguments, _ name: String) throws -> VectorSet {
        switch try arguments.given(name) {
        case let .vectors(vectors): return vectors
        case let value: throw ArgumentError("\(arguments.callee)(): '\(name)' must be vectors (from vectorize or similarity), got \(value.typeName)")
        }
    }
}
