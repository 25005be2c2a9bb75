// A GGUF file as a lazy Model: parameters dequantised on read, config and vocabulary from the metadata.
import Foundation

/// Builds models from GGUF files.
enum GGUFModel {
    /// The model in `path`; `name` defaults to the file name without `.gguf`.
    static func load(path: String, name: String?, source: String?) throws -> Model {
        try load(GGUFFile(path: path), name: name, source: source)
    }

    /// The model in an opened file (also the fuzz harness's entry point, on in-memory bytes).
    static func load(_ file: GGUFFile, name: String?, source: String?) throws -> Model {
        let path = file.path
        let metadata = file.metadata
        let tokens = metadata["tokenizer.ggml.tokens"]?.arrayValue
        let tied = !file.tensors.contains { $0.name == "output.weight" }
        let config = GGUFConfig.make(metadata, tiedEmbeddings: tied,
                                     vocabularySize: tokens?.count ?? metadata.value(arch: "vocab_size")?.intValue)
        let parameters = try file.tensors.map { try parameter(file, $0) }
        let vocabulary = tokens.map { array in
            VocabularySource { readable(array.strings() ?? [], tokenizer: metadata["tokenizer.ggml.model"]?.stringValue) }
        }
        let displayName = name ?? FilePath.deletingExtension(FilePath.lastComponent(path))
        return Model(name: displayName, source: source ?? path, format: "gguf v\(file.version), memory-mapped",
                     config: config, parameters: parameters, vocabulary: vocabulary, gguf: metadata)
    }

    /// Token strings as text, as a `tokenizer.json` vocabulary reads: `gpt2` (byte-level BPE) pieces decoded
    /// from GPT-2's byte alphabet (`Ġthe` → ` the`), `llama` (SentencePiece) pieces with `▁` as a space.
    static func readable(_ tokens: [String], tokenizer: String?) -> [String] {
        switch tokenizer {
        case "gpt2": return tokens.map(ByteLevel.decode)
        case "llama": return tokens.map { $0.replacingOccurrences(of: "\u{2581}", with: " ") }
        default: return tokens
        }
    }

    /// One lazy parameter; Llama's q and k are read back in Hugging Face row order (see `unpermuteRows`).
    private static func parameter(_ file: GGUFFile, _ info: GGUFTensorInfo) throws -> Parameter {
        let quantization = info.type.elementType == nil ? info.type.name : nil
        let dtype = info.type.elementType ?? .f32
        var heads: Int?
        if file.metadata.architecture == "llama", info.shape.count == 2 {
            if info.name.hasSuffix(".attn_q.weight") { heads = file.metadata.value(arch: "attention.head_count")?.intValue }
            if info.name.hasSuffix(".attn_k.weight") {
                heads = (file.metadata.value(arch: "attention.head_count_kv") ?? file.metadata.value(arch: "attention.head_count"))?.intValue
            }
        }
        let release: @Sendable () -> Void = { file.file.releasePages(info.range) }
        guard let heads else {
            return Parameter(name: info.name, shape: info.shape, dtype: dtype, quantization: quantization,
                             releasePages: release) { try file.tensor(info) }
        }
        let rows = info.shape[0]
        guard heads > 0, rows % heads == 0, (rows / heads) % 2 == 0 else {
            throw EngineError.malformed(path: file.path, message: "tensor '\(info.name)': \(rows) rows cannot be split into \(heads) heads of even width")
        }
        return Parameter(name: info.name, shape: info.shape, dtype: dtype, quantization: quantization, releasePages: release) {
            try unpermuteRows(file.tensor(info), heads: heads)
        }
    }

    /// Undoes llama.cpp's `permute` of Llama's q and k rows. Its converter stores row h·w + 2i + t (head h of
    /// width w, i < w/2, t ∈ {0, 1}) from Hugging Face row h·w + t·w/2 + i, so that ggml's interleaved rotary
    /// pairs (2i, 2i+1) are HF's rotate-half pairs (i, i + w/2). Reading it back gives the HF layout.
    static func unpermuteRows(_ tensor: Tensor, heads: Int) throws -> Tensor {
        let rows = tensor.shape[0], columns = tensor.shape[1], width = rows / heads, half = width / 2
        return try Tensor.build(shape: tensor.shape, storedType: tensor.storedType) { out in
            guard let target = out.baseAddress, let source = tensor.buffer.baseAddress else { return }
            for head in 0..<heads {
                for t in 0..<2 {
                    for i in 0..<half {
                        (target + (head * width + t * half + i) * columns)
                            .update(from: source + (head * width + 2 * i + t) * columns, count: columns)
                    }
                }
            }
        }
    }
}
