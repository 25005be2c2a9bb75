// Forward-pass builtins: tokens, hidden states, input reconstruction by layer, neuron visualisation.
import Engine

enum ForwardBuiltins {
    static let all: [Builtin] = [
        Builtin(name: "tokens", parameters: [.required("model"), .required("text")], group: "forward",
                summary: "the model's WordPiece tokens of a text ([CLS] … [SEP]): a table of position, piece and id",
                example: "tokens(m, \"The cat sat.\")") { arguments in
            let pieces = try WordPieceTokenizer.of(arguments.model("model")).encode(arguments.string("text"))
            var table = Table()
            try table.append("position", .int(Array(pieces.indices)))
            try table.append("piece", .string(pieces.map(\.piece)))
            try table.append("id", .int(pieces.map(\.id)))
            return .table(table)
        },
        Builtin(name: "hidden", parameters: [.required("model"), .required("text")], group: "forward",
                summary: "hidden states of a BERT-family encoder for a text: a (layers+1) × tokens × d tensor, 0 = embeddings",
                example: "h = hidden(m, \"The cat sat.\")") { arguments in
            let model = try arguments.model("model")
            let ids = try WordPieceTokenizer.of(model).encode(arguments.string("text")).map(\.id)
            return .tensor(try BERTWeights(model: model).hiddenStates(ids: ids))
        },
    ]
}
