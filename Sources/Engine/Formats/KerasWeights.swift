// Keras/TensorFlow HDF5 weights (`tf_model.h5`): every weight named in the layers' `weight_names`.

/// Reads the weights Keras `save_weights` writes; kernels stay as stored (d_in × d_out).
public enum KerasWeights {
    /// The weights as lazy parameters named as Keras names them (`…/layer_._0/attention/self/query/kernel:0`).
    public static func parameters(path: String) throws -> [Parameter] {
        try parameters(file: HDF5File(readingAt: path))
    }

    /// The weights of an open HDF5 file (the fuzz harness builds its files in memory).
    static func parameters(file: HDF5File) throws -> [Parameter] {
        let path = file.path, fileSize = file.byteSize
        var parameters: [Parameter] = []
        let datasets = try file.datasets()
        let byPath = Dictionary(datasets.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
        let layerNames = stringList(try file.attribute("layer_names"))
        if let layerNames {
            // Keras ≥ 2: the root lists layers; each layer group lists its weights by name.
            for layer in layerNames {
                guard let weightNames = stringList(try file.attribute("weight_names", of: layer)) else {
                    throw EngineError.malformed(path: path, message: "Keras layer '\(layer)' has no weight_names attribute")
                }
                for weight in weightNames {
                    let datasetPath = "\(layer)/\(weight)"
                    guard let info = byPath[datasetPath] else {
                        throw EngineError.malformed(path: path, message: "Keras weight '\(weight)' of layer '\(layer)' has no dataset")
                    }
                    parameters.append(try parameter(name: weight, info: info, file: file, fileSize: fileSize))
                }
            }
        } else {
            // No Keras metadata: every dataset, named by its path.
            for info in datasets { parameters.append(try parameter(name: info.path, info: info, file: file, fileSize: fileSize)) }
        }
        guard !parameters.isEmpty else {
            throw EngineError.malformed(path: path, message: "HDF5 file holds no weights (no layer_names and no datasets)")
        }
        return parameters
    }

    private static func parameter(name: String, info: HDF5DatasetInfo, file: HDF5File, fileSize: Int) throws -> Parameter {
        guard let dtype = info.elementType.dtype else {
            throw EngineError.malformed(path: file.path, message: "dataset '\(info.path)' holds \(info.elementType), not numbers")
        }
        // HDF5 datasets may be unallocated (all fill value) or compressed, so a tiny file can claim a huge
        // shape; beyond what compression could plausibly explain, refuse rather than allocate it.
        guard Shape.elementCount(info.shape).map({ $0 <= max(256 * fileSize, 1 << 28) }) == true else {
            throw EngineError.malformed(path: file.path, message: "dataset '\(info.path)' claims shape \(Shape.describe(info.shape)), far more than the file's \(fileSize) bytes can hold")
        }
        return Parameter(name: name, shape: info.shape, dtype: dtype) { try file.readTensor(info.path) }
    }

    /// The names in a Keras name-list attribute; h5py writes an empty list as an empty float array.
    private static func stringList(_ value: HDF5AttributeValue?) -> [String]? {
        switch value {
        case nil: return nil
        case let .numbers(values)? where values.isEmpty: return []
        case .empty?: return []
        case let value?: return value.stringsValue
        }
    }
}
